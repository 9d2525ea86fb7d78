package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.PackedConv;

/**
 * A convolution over NHWC codes as an implicit im2col, for the layers whose single tap cannot be
 * summed exactly in float (far beyond ResNet-20's, so plain loops serve): the row of output pixel p is, for each kernel tap (ki, kj) in order, the run of C codes of the
 * input pixel under it (none where the tap falls in the padding). K is thus ordered (ki, kj, c),
 * each tap's codes padded to the kernel's run stride, and CpuBackend re-orders each layer's
 * weights the same way once, when it prepares the layer.
 */
final class ConvTaps {
    /** Most products per output whose int32 sum is exact at 8-bit activation and weight codes: 255 · 127 · 2^16 < 2^31. */
    static final int MAX_EXACT_DEPTH = 1 << 16;

    private ConvTaps() {}

    /** The layer's weight codes, OIHW (row o = output channel o). */
    static int[] unpackRows(PackedConv conv) {
        int depth = conv.depth();
        int[] codes = new int[Math.multiplyExact(conv.outChannels(), depth)];
        for (int o = 0; o < conv.outChannels(); o++) System.arraycopy(conv.rowCodes(o), 0, codes, o * depth, depth);
        return codes;
    }

    /**
     * sums[r·outChannels + o] = Σ over taps t and channels c of code(starts[r·taps + t] + c) · w[o·taps·C + t·C + c]
     * (taps whose start is −1 add nothing), for r &lt; count: weights as {@link #reorderWeights} lays them out with tapStride C.
     */
    static void exactSums(byte[] codes, int[] starts, int taps, int channels, int[] weights, int outChannels, int count, int[] sums) {
        int depth = taps * channels;
        for (int r = 0; r < count; r++)
            for (int o = 0; o < outChannels; o++) {
                int acc = 0;
                for (int t = 0; t < taps; t++) {
                    int at = starts[r * taps + t], w = o * depth + t * channels;
                    if (at < 0) continue;
                    for (int c = 0; c < channels; c++) acc += (codes[at + c] & 0xff) * weights[w + c];
                }
                sums[r * outChannels + o] = acc;
            }
    }

    /**
     * starts[r·k² + ki·k + kj] = NHWC offset of the input pixel under tap (ki, kj) of output pixel
     * p0 + r (pixel index b·oh·ow + y·ow + x), or −1 where the tap is in the padding.
     */
    static void runStarts(CpuActivations in, int kernel, int stride, int padding, int outH, int outW, int p0, int count, int[] starts) {
        int c = in.channels(), h = in.height(), w = in.width(), plane = outH * outW;
        int i = 0;
        for (int r = 0; r < count; r++) {
            int pixel = p0 + r, b = pixel / plane, oy = pixel % plane / outW, ox = pixel % outW;
            for (int ki = 0; ki < kernel; ki++) {
                int iy = oy * stride - padding + ki;
                for (int kj = 0; kj < kernel; kj++, i++) {
                    int ix = ox * stride - padding + kj;
                    starts[i] = iy < 0 || iy >= h || ix < 0 || ix >= w ? -1 : ((b * h + iy) * w + ix) * c;
                }
            }
        }
    }

    /**
     * Weight codes in OIHW order (k = (c·kh + ki)·kw + kj) re-ordered to (ki, kj, c), the order of
     * {@link #runStarts}, each tap's inChannels codes followed by zeros up to tapStride.
     */
    static int[] reorderWeights(int[] oihw, int outChannels, int inChannels, int kernel, int tapStride) {
        int taps = kernel * kernel, depth = inChannels * taps, paddedDepth = tapStride * taps;
        int[] out = new int[outChannels * paddedDepth];
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inChannels; c++)
                for (int ki = 0; ki < kernel; ki++)
                    for (int kj = 0; kj < kernel; kj++)
                        out[o * paddedDepth + (ki * kernel + kj) * tapStride + c] = oihw[o * depth + (c * kernel + ki) * kernel + kj];
        return out;
    }
}
