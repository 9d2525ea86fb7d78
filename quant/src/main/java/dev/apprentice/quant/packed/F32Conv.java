package dev.apprentice.quant.packed;

/**
 * The full-precision end layers (the image-fed first convolution; the classifier as a 1×1
 * convolution) in exactly the float order the specification fixes: for each output, fma over
 * the OIHW weight index ascending from 0, taps in the padding skipped (not added as zeros, which
 * could turn a −0 sum into +0). These layers are tiny, so plain loops serve.
 */
final class F32Conv {
    private F32Conv() {}

    /** acc[r·outC + o] for output pixels [r0, r0 + count) of the batch. */
    static void sums(CpuActivations in, PackedConv c, int outH, int outW, int r0, int count, float[] acc) {
        int inC = in.channels(), h = in.height(), w = in.width(), k = c.kernel(), depth = c.depth(), outC = c.outChannels();
        int plane = outH * outW;
        float[] weights = c.weights();
        for (int r = 0; r < count; r++) {
            int pixel = r0 + r, b = pixel / plane, oy = pixel % plane / outW, ox = pixel % outW;
            for (int o = 0; o < outC; o++) {
                float sum = 0f;
                int kk = o * depth;
                for (int ci = 0; ci < inC; ci++) {
                    for (int ki = 0; ki < k; ki++) {
                        int iy = oy * c.stride() - c.padding() + ki;
                        for (int kj = 0; kj < k; kj++, kk++) {
                            int ix = ox * c.stride() - c.padding() + kj;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            sum = Math.fma(weights[kk], in.value(((b * h + iy) * w + ix) * inC + ci), sum);
                        }
                    }
                }
                acc[r * outC + o] = sum;
            }
        }
    }
}
