package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.PackedConv;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The full-precision end layers (the image-fed first convolution; the classifier as a 1×1
 * convolution) in exactly the float order the specification fixes: for each output, fma over
 * the OIHW weight index ascending from 0, taps in the padding skipped (not added as zeros, which
 * could turn a −0 sum into +0). Vectorized across 16 output channels: every lane runs the same
 * fma sequence as the scalar loop (the skipped taps depend on the pixel only), so the sums are
 * bit-identical. Measured: the scalar loop was 15-30% of a whole packed ResNet-20 at batch 64. (The
 * vector lanes give the same sums as scalar loops, so this runs unchanged where the JVM compiles no
 * vector code: slowly, but right.)
 */
final class F32Conv {
    private static final VectorSpecies<Float> F = dev.apprentice.engine.vector.VectorWidth.FLOATS;
    static final int LANES = F.length();

    private F32Conv() {}

    /** Output channels padded to whole vectors: the stride of {@link #transpose} and of the sums. */
    static int width(PackedConv c) {
        return (c.outChannels() + LANES - 1) / LANES * LANES;
    }

    /** The layer's float weights transposed to [k][o] (o padded with zeros to {@link #width}), once per layer. */
    static float[] transpose(PackedConv c) {
        int depth = c.depth(), outC = c.outChannels(), width = width(c);
        float[] t = new float[depth * width];
        for (int o = 0; o < outC; o++)
            for (int k = 0; k < depth; k++) t[k * width + o] = c.weights()[o * depth + k];
        return t;
    }

    /** acc[r·width + o] for output pixels [r0, r0 + count) of the batch, from the transposed weights. */
    static void sums(CpuActivations in, PackedConv c, float[] transposed, int outH, int outW, int r0, int count, float[] acc) {
        int inC = in.channels(), h = in.height(), w = in.width(), k = c.kernel(), width = width(c);
        int plane = outH * outW, stride = c.stride(), pad = c.padding();
        for (int r = 0; r < count; r++) {
            int pixel = r0 + r, b = pixel / plane, oy = pixel % plane / outW, ox = pixel % outW;
            int iy0 = oy * stride - pad, ix0 = ox * stride - pad;
            if (in.bits() == 0 && iy0 >= 0 && iy0 + k <= h && ix0 >= 0 && ix0 + k <= w) {
                interior(in.values(), ((b * h + iy0) * w + ix0) * inC, inC, w * inC, k, transposed, width, acc, r * width);
                continue;
            }
            for (int o = 0; o < width; o += LANES) {
                FloatVector sum = FloatVector.zero(F);
                int kk = 0;
                for (int ci = 0; ci < inC; ci++) {
                    for (int ki = 0; ki < k; ki++) {
                        int iy = oy * stride - pad + ki;
                        for (int kj = 0; kj < k; kj++, kk++) {
                            int ix = ox * stride - pad + kj;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            float x = in.value(((b * h + iy) * w + ix) * inC + ci);
                            sum = FloatVector.fromArray(F, transposed, kk * width + o).fma(FloatVector.broadcast(F, x), sum);
                        }
                    }
                }
                sum.intoArray(acc, r * width + o);
            }
        }
    }

    /**
     * One pixel whose taps all lie inside a float image (most pixels): the same fma sequence,
     * without the per-tap bounds test and code lookup. The window's top-left input is at values[at].
     */
    private static void interior(float[] values, int at, int inC, int rowStride, int k, float[] transposed, int width, float[] acc, int accAt) {
        for (int o = 0; o < width; o += LANES) {
            FloatVector sum = FloatVector.zero(F);
            for (int ci = 0, kk = 0; ci < inC; ci++)
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0, x = at + ki * rowStride + ci; kj < k; kj++, kk++, x += inC)
                        sum = FloatVector.fromArray(F, transposed, kk * width + o).fma(FloatVector.broadcast(F, values[x]), sum);
            sum.intoArray(acc, accAt + o);
        }
    }
}
