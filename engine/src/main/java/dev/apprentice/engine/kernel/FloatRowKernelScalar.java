package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link FloatRowKernel#row} and {@link FloatRowKernel#rowStrideTwo}: the same sums over the same weights and rows, one
 * fma at a time in the kernel's order (kernel row, input channel, kernel column), so the vector
 * kernels are tested against it bit for bit. It runs the rows where the JVM compiles no vector code.
 */
public final class FloatRowKernelScalar {
    private FloatRowKernelScalar() {}

    /** As {@link FloatRowKernel#row}: sums of rowPixels pixels × tiles·L channels at sums[sOff + r·width + o]. */
    public static void row(float[] q, int ch, int taps, int tiles, float[] x, int base, int rowStride,
                           int rowPixels, float[] sums, int sOff, int width) {
        rows(q, ch, taps, tiles, 1, x, base, rowStride, rowPixels, sums, sOff, width);
    }

    /** As {@link FloatRowKernel#rowStrideTwo}: pixel r reads x[base + ki·rowStride + (2r + kj)·ch + c]. */
    public static void rowStrideTwo(float[] q, int ch, int taps, int tiles, float[] x, int base, int rowStride,
                                    int rowPixels, float[] sums, int sOff, int width) {
        rows(q, ch, taps, tiles, 2, x, base, rowStride, rowPixels, sums, sOff, width);
    }

    private static void rows(float[] q, int ch, int taps, int tiles, int stride, float[] x, int base, int rowStride,
                             int rowPixels, float[] sums, int sOff, int width) {
        int lanes = FloatRowKernel.LANES, k = FloatRowKernel.KERNEL, tapFloats = ch * lanes;
        for (int r = 0; r < rowPixels; r++) {
            for (int o = 0; o < tiles * lanes; o++) {
                int w0 = o / lanes * taps * tapFloats + o % lanes;
                float s = 0f;
                for (int ki = 0; ki < k; ki++)
                    for (int c = 0; c < ch; c++)
                        for (int kj = 0; kj < k; kj++)
                            s = Math.fma(x[base + ki * rowStride + (stride * r + kj) * ch + c], q[w0 + ((ki * k + kj) * ch + c) * lanes], s);
                sums[sOff + r * width + o] = s;
            }
        }
    }
}
