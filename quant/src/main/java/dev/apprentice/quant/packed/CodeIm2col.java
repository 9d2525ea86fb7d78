package dev.apprentice.quant.packed;

/**
 * Im2col rows of NHWC activation codes for the integer kernels: the row of output pixel p holds,
 * for each kernel tap (ki, kj) in order, the C codes of the input pixel under it (zeros where
 * the tap falls in the padding). K is thus ordered (ki, kj, c), and CpuBackend re-orders each
 * layer's weights the same way once, when it prepares the layer.
 */
final class CodeIm2col {
    private CodeIm2col() {}

    /** Rows for output pixels [r0, r0 + count) of the whole batch (pixel index b·oh·ow + y·ow + x) into cols. */
    static void rows(CpuActivations in, int kernel, int stride, int padding, int outH, int outW, int r0, int count, byte[] cols) {
        int c = in.channels(), h = in.height(), w = in.width(), depth = c * kernel * kernel, plane = outH * outW;
        byte[] codes = in.codes();
        for (int r = 0; r < count; r++) {
            int pixel = r0 + r, b = pixel / plane, oy = pixel % plane / outW, ox = pixel % outW;
            int dst = r * depth;
            for (int ki = 0; ki < kernel; ki++) {
                int iy = oy * stride - padding + ki;
                for (int kj = 0; kj < kernel; kj++, dst += c) {
                    int ix = ox * stride - padding + kj;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) java.util.Arrays.fill(cols, dst, dst + c, (byte) 0);
                    else System.arraycopy(codes, ((b * h + iy) * w + ix) * c, cols, dst, c);
                }
            }
        }
    }

    /** Weight codes in OIHW order (k = (c·kh + ki)·kw + kj) re-ordered to (ki, kj, c), the order of {@link #rows}. */
    static int[] reorderWeights(int[] oihw, int outChannels, int inChannels, int kernel) {
        int depth = inChannels * kernel * kernel;
        int[] out = new int[oihw.length];
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inChannels; c++)
                for (int ki = 0; ki < kernel; ki++)
                    for (int kj = 0; kj < kernel; kj++)
                        out[o * depth + (ki * kernel + kj) * inChannels + c] = oihw[o * depth + (c * kernel + ki) * kernel + kj];
        return out;
    }
}
