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
    /** Pixels per {@link #interiorRun}. */
    private static final int PIXELS = 4;

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
            boolean inside = in.bits() == 0 && iy0 >= 0 && iy0 + k <= h && ix0 >= 0;
            if (inside && r + PIXELS <= count && ox + PIXELS <= outW && ix0 + (PIXELS - 1) * stride + k <= w) {
                interiorRun(in.values(), ((b * h + iy0) * w + ix0) * inC, stride * inC, inC, w * inC, k, transposed, width, acc, r * width);
                r += PIXELS - 1;
                continue;
            }
            if (inside && ix0 + k <= w) {
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
     * {@link #PIXELS} neighbouring pixels of one output row whose taps all lie inside a float image, the window of
     * pixel p at values[at + p·step]: each pixel's sums take the same fma sequence as {@link #interior}, the pixels'
     * chains interleaved (one pixel's chain of dependent fmas ran at a fraction of the FMA units' rate).
     */
    private static void interiorRun(float[] values, int at, int step, int inC, int rowStride, int k, float[] transposed, int width, float[] acc,
                                    int accAt) {
        for (int o = 0; o < width; o += LANES) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int ci = 0, kk = 0; ci < inC; ci++)
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0, x = at + ki * rowStride + ci; kj < k; kj++, kk++, x += inC) {
                        FloatVector wv = FloatVector.fromArray(F, transposed, kk * width + o);
                        s0 = wv.fma(FloatVector.broadcast(F, values[x]), s0);
                        s1 = wv.fma(FloatVector.broadcast(F, values[x + step]), s1);
                        s2 = wv.fma(FloatVector.broadcast(F, values[x + 2 * step]), s2);
                        s3 = wv.fma(FloatVector.broadcast(F, values[x + 3 * step]), s3);
                    }
            s0.intoArray(acc, accAt + o);
            s1.intoArray(acc, accAt + width + o);
            s2.intoArray(acc, accAt + 2 * width + o);
            s3.intoArray(acc, accAt + 3 * width + o);
        }
    }

    /**
     * One pixel whose taps all lie inside a float image: the same fma sequence,
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
