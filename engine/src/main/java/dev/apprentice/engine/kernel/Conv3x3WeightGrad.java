package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a 3×3 convolution with output channels in the vector lanes:
 * dW[o][c][t] = Σ over images and output pixels p of dy[o][p] · x[c][in(p) + offset(t)], x zero-padded
 * ({@link PaddedPlanes#pad}: offset(ki, kj) = ki·Wp + kj, in(p) the top-left tap of p). Each image's dy
 * is first transposed to pixel-major rows of O floats ({@link BlockTranspose}); then a tile goes along
 * the output rows (no lane or pixel is spent outside the image) with the sums of one input channel's
 * 9 taps in registers. With 32 vector registers: × two vectors of output channels ({@link #pairRows},
 * nine broadcasts and two dy vectors a pixel; {@link #pairStrided} at column stride 2, ResNets'
 * down-sampling layers), and a last single vector by {@link #nineRows}. With 16 (AVX2) the pairs would
 * spill, so every vector of output channels runs nine broadcasts a pixel into nine sums ({@link #nineRows},
 * {@link #nineStrided}). The only vectors carried around a loop are the sums: a sliding window of
 * broadcast inputs (three broadcasts a pixel instead of nine) made C2 box vectors in some JIT runs (the
 * window's loop-carried vectors), 2.4-3× slower training; nine broadcasts from memory cost the FMAs nothing.
 *
 * <p>Why: {@link WeightGradDot} runs its vectors along the pixels, which needs 8 vector loads per 16
 * multiply-adds (a third of them split across cache lines by the tap shifts) and 16-lane horizontal
 * sums per weight; here the lanes are the output channels themselves. Measured on ResNet-20's layers at
 * batch 128, 2 threads, one JVM alternating the two (medians of 21): 16→16 at 28×28 53–68 → 59–85
 * GFLOP/s, 32→32 at 14×14 87–129 → 111–158, 64→64 at 7×7 71–108 → 110–162. Sweeping the padded
 * width instead of the output rows (2 garbage pixels a row, 2 in 9 at 7×7) made a whole training step
 * (batch 128, 2 threads, AMD Zen 4) 4.9% slower for the 32-channel tile; the 16-channel tile of two
 * input channels with nine broadcasts each, 3.3% slower than {@link #singleRows} (medians of 10 alternating rounds).
 *
 * <p>Sums run image by image in order, each pixel's products in tap order, so a chunk's result does
 * not depend on the thread that computes it.
 */
final class Conv3x3WeightGrad {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    /** Output channels per vector. */
    static final int L = S.length();
    /** Whether the two-vector tiles (18 sums, 2 dy vectors, a broadcast) and the sliding window fit the registers. */
    static final boolean WIDE = VectorWidth.REGISTERS >= 32;

    private Conv3x3WeightGrad() {}

    /**
     * A 3×3 kernel with stride 1 and output channels in whole vectors, or with column stride 2 (any
     * row stride: ResNets' down-sampling layers) and output channels in whole pairs of vectors (whole
     * vectors with 16 registers).
     */
    static boolean applies(ConvGeometry g) {
        if (g.kernelH() != 3 || g.kernelW() != 3) return false;
        return g.strideH() == 1 && g.strideW() == 1 ? g.outChannels() % L == 0
                : g.strideW() == 2 && g.outChannels() % (WIDE ? 2 * L : L) == 0;
    }

    /** Output pixels of an image: the dy columns a chunk sums. */
    static int pixels(ConvGeometry g) {
        return g.outH() * g.outW();
    }

    /** Floats of a work area: the padded image, the transposed dy, the transpose's buffer. */
    static int workFloats(ConvGeometry g) {
        return PaddedPlanes.paddedSize(g) + pixels(g) * g.outChannels() + BlockTranspose.BUFFER;
    }

    /**
     * acc[accOff + (c·9 + t)·O + o] = Σ over images [from, to) of the product sums for input channel
     * c, tap t = ki·3 + kj and output channel o (written, not added: the first image starts from zero).
     */
    static void chunk(ConvGeometry g, float[] x, float[] dy, int from, int to, float[] acc, int accOff) {
        float[] work = Scratch.floats(workFloats(g));
        int[] at = pixelOffsets(g);
        for (int n = from; n < to; n++) image(g, x, dy, n, n == from, acc, accOff, work, 0, at);
    }

    /**
     * Image n's product sums added to acc as {@link #chunk} lays them out (written when first), with
     * {@link #workFloats} floats of work area at work[wOff ..] and at = {@link #pixelOffsets}.
     */
    static void image(ConvGeometry g, float[] x, float[] dy, int n, boolean first, float[] acc, int accOff, float[] work, int wOff, int[] at) {
        int o = g.outChannels(), cin = g.inChannels(), oh = g.outH(), ow = g.outW();
        int wp = PaddedPlanes.paddedW(g), plane = PaddedPlanes.paddedH(g) * wp, rowStep = g.strideH() * wp;
        int xStride = cin * g.inH() * g.inW(), yStride = o * oh * ow;
        int dyOff = wOff + PaddedPlanes.paddedSize(g), pixels = pixels(g), tile = pixels * L;
        PaddedPlanes.pad(g, x, n * xStride, work, wOff);
        // dy as tiles of L channels, pixel-major within a tile: the kernels step through a tile by L
        // floats a pixel, a constant stride, so C2 can hoist the range checks of their vector loads
        // (with the channel count as stride it could not, and the checks left in the loop kept the
        // accumulators boxed for deoptimization in some JIT runs: 7 GB a ResNet-20 step, 2.4× slower)
        for (int t = 0; t < o / L; t++)
            BlockTranspose.planesToRows(dy, n * yStride + t * tile, pixels, L, work, dyOff + t * tile, at, work, dyOff + o * pixels);
        if (!WIDE) {
            for (int o0 = 0; o0 < o; o0 += L)
                for (int c = 0; c < cin; c++) {
                    int a = accOff + c * 9 * o + o0, d = dyOff + o0 / L * tile;
                    if (g.strideW() == 1) nineRows(oh, ow, rowStep, wp, work, wOff + c * plane, d, o, o0, acc, a, first);
                    else nineStrided(oh, ow, rowStep, wp, work, wOff + c * plane, d, o, o0, acc, a, first);
                }
            return;
        }
        int o0 = 0;
        for (; o0 + 2 * L <= o; o0 += 2 * L)
            for (int c = 0; c < cin; c++) {
                int a = accOff + c * 9 * o + o0, d = dyOff + o0 / L * tile;
                if (g.strideW() == 1) pairRows(oh, ow, rowStep, wp, work, wOff + c * plane, d, tile, o, o0, acc, a, first);
                else pairStrided(oh, ow, rowStep, wp, work, wOff + c * plane, d, tile, o, o0, acc, a, first);
            }
        if (o0 < o) // one vector of output channels left (stride 1 only, see applies)
            for (int c = 0; c < cin; c++)
                nineRows(oh, ow, rowStep, wp, work, wOff + c * plane, dyOff + o0 / L * tile, o, o0, acc, accOff + c * 9 * o + o0, first);
    }

    /** dw[(o·C + c)·9 + t] += acc[accOff + (c·9 + t)·O + o]. */
    static void addTransposed(ConvGeometry g, float[] acc, int accOff, float[] dw, int oFrom, int oTo) {
        int o = g.outChannels(), cin = g.inChannels();
        for (int oc = oFrom; oc < oTo; oc++)
            for (int c = 0; c < cin; c++)
                for (int t = 0; t < 9; t++) dw[(oc * cin + c) * 9 + t] += acc[accOff + (c * 9 + t) * o + oc];
    }

    /** Where {@link #image} puts each pixel p of dy within its tile of L channels: p·L floats in. */
    static int[] pixelOffsets(ConvGeometry g) {
        int[] at = new int[pixels(g)];
        for (int p = 0; p < at.length; p++) at[p] = p * L;
        return at;
    }

    /**
     * {@link #pairRows} for column stride 2: output pixel (r, q) reads the padded plane from
     * row r·rowStep / Wp, column 2q. Rows and columns are separate loops with the column step a constant: C2
     * removes the range checks of x[i + ...] only for a constant scale (a variable step measured 20% slower).
     */
    private static void pairStrided(int oh, int ow, int rowStep, int wp, float[] x, int x0, int dyOff, int next, int o, int o0,
                                    float[] acc, int a, boolean first) {
        FloatVector p0, p1, p2, p3, p4, p5, p6, p7, p8;
        FloatVector q0, q1, q2, q3, q4, q5, q6, q7, q8;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            p0 = z; p1 = z; p2 = z; p3 = z; p4 = z; p5 = z; p6 = z; p7 = z; p8 = z;
            q0 = z; q1 = z; q2 = z; q3 = z; q4 = z; q5 = z; q6 = z; q7 = z; q8 = z;
        } else {
            p0 = FloatVector.fromArray(S, acc, a + 0 * o); q0 = FloatVector.fromArray(S, acc, a + 0 * o + L);
            p1 = FloatVector.fromArray(S, acc, a + 1 * o); q1 = FloatVector.fromArray(S, acc, a + 1 * o + L);
            p2 = FloatVector.fromArray(S, acc, a + 2 * o); q2 = FloatVector.fromArray(S, acc, a + 2 * o + L);
            p3 = FloatVector.fromArray(S, acc, a + 3 * o); q3 = FloatVector.fromArray(S, acc, a + 3 * o + L);
            p4 = FloatVector.fromArray(S, acc, a + 4 * o); q4 = FloatVector.fromArray(S, acc, a + 4 * o + L);
            p5 = FloatVector.fromArray(S, acc, a + 5 * o); q5 = FloatVector.fromArray(S, acc, a + 5 * o + L);
            p6 = FloatVector.fromArray(S, acc, a + 6 * o); q6 = FloatVector.fromArray(S, acc, a + 6 * o + L);
            p7 = FloatVector.fromArray(S, acc, a + 7 * o); q7 = FloatVector.fromArray(S, acc, a + 7 * o + L);
            p8 = FloatVector.fromArray(S, acc, a + 8 * o); q8 = FloatVector.fromArray(S, acc, a + 8 * o + L);
        }
        int w2 = 2 * wp;
        for (int r = 0, xr = x0, d = dyOff; r < oh; r++, xr += rowStep) {
            for (int q = 0; q < ow; q++, d += L) {
                int i = xr + 2 * q;
                FloatVector d0 = FloatVector.fromArray(S, x, d), d1 = FloatVector.fromArray(S, x, d + next), v;
                v = FloatVector.broadcast(S, x[i]); p0 = v.fma(d0, p0); q0 = v.fma(d1, q0);
                v = FloatVector.broadcast(S, x[i + 1]); p1 = v.fma(d0, p1); q1 = v.fma(d1, q1);
                v = FloatVector.broadcast(S, x[i + 2]); p2 = v.fma(d0, p2); q2 = v.fma(d1, q2);
                v = FloatVector.broadcast(S, x[i + wp]); p3 = v.fma(d0, p3); q3 = v.fma(d1, q3);
                v = FloatVector.broadcast(S, x[i + wp + 1]); p4 = v.fma(d0, p4); q4 = v.fma(d1, q4);
                v = FloatVector.broadcast(S, x[i + wp + 2]); p5 = v.fma(d0, p5); q5 = v.fma(d1, q5);
                v = FloatVector.broadcast(S, x[i + w2]); p6 = v.fma(d0, p6); q6 = v.fma(d1, q6);
                v = FloatVector.broadcast(S, x[i + w2 + 1]); p7 = v.fma(d0, p7); q7 = v.fma(d1, q7);
                v = FloatVector.broadcast(S, x[i + w2 + 2]); p8 = v.fma(d0, p8); q8 = v.fma(d1, q8);
            }
        }
        p0.intoArray(acc, a + 0 * o); q0.intoArray(acc, a + 0 * o + L);
        p1.intoArray(acc, a + 1 * o); q1.intoArray(acc, a + 1 * o + L);
        p2.intoArray(acc, a + 2 * o); q2.intoArray(acc, a + 2 * o + L);
        p3.intoArray(acc, a + 3 * o); q3.intoArray(acc, a + 3 * o + L);
        p4.intoArray(acc, a + 4 * o); q4.intoArray(acc, a + 4 * o + L);
        p5.intoArray(acc, a + 5 * o); q5.intoArray(acc, a + 5 * o + L);
        p6.intoArray(acc, a + 6 * o); q6.intoArray(acc, a + 6 * o + L);
        p7.intoArray(acc, a + 7 * o); q7.intoArray(acc, a + 7 * o + L);
        p8.intoArray(acc, a + 8 * o); q8.intoArray(acc, a + 8 * o + L);
    }

    /**
     * One input channel (padded plane at x[x0 ..]) × output channels o0 .. o0 + 2L − 1 at stride 1, output row by
     * output row: tap t's two sum vectors at acc[a + t·o] and acc[a + t·o + L], started from zero when first.
     * The nine taps are spelled out: their fixed displacements from the pixel are the point. (A sliding
     * window of inputs as in {@link #singleRows} measured no faster here: 1.6% slower in a training step.)
     */
    private static void pairRows(int oh, int ow, int rowStep, int wp, float[] x, int x0, int dyOff, int next, int o, int o0,
                                 float[] acc, int a, boolean first) {
        FloatVector p0, p1, p2, p3, p4, p5, p6, p7, p8;
        FloatVector q0, q1, q2, q3, q4, q5, q6, q7, q8;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            p0 = z; p1 = z; p2 = z; p3 = z; p4 = z; p5 = z; p6 = z; p7 = z; p8 = z;
            q0 = z; q1 = z; q2 = z; q3 = z; q4 = z; q5 = z; q6 = z; q7 = z; q8 = z;
        } else {
            p0 = FloatVector.fromArray(S, acc, a + 0 * o); q0 = FloatVector.fromArray(S, acc, a + 0 * o + L);
            p1 = FloatVector.fromArray(S, acc, a + 1 * o); q1 = FloatVector.fromArray(S, acc, a + 1 * o + L);
            p2 = FloatVector.fromArray(S, acc, a + 2 * o); q2 = FloatVector.fromArray(S, acc, a + 2 * o + L);
            p3 = FloatVector.fromArray(S, acc, a + 3 * o); q3 = FloatVector.fromArray(S, acc, a + 3 * o + L);
            p4 = FloatVector.fromArray(S, acc, a + 4 * o); q4 = FloatVector.fromArray(S, acc, a + 4 * o + L);
            p5 = FloatVector.fromArray(S, acc, a + 5 * o); q5 = FloatVector.fromArray(S, acc, a + 5 * o + L);
            p6 = FloatVector.fromArray(S, acc, a + 6 * o); q6 = FloatVector.fromArray(S, acc, a + 6 * o + L);
            p7 = FloatVector.fromArray(S, acc, a + 7 * o); q7 = FloatVector.fromArray(S, acc, a + 7 * o + L);
            p8 = FloatVector.fromArray(S, acc, a + 8 * o); q8 = FloatVector.fromArray(S, acc, a + 8 * o + L);
        }
        int w2 = 2 * wp;
        for (int r = 0, xr = x0, d = dyOff; r < oh; r++, xr += rowStep) {
            for (int q = 0; q < ow; q++, d += L) {
                int i = xr + q;
                FloatVector d0 = FloatVector.fromArray(S, x, d), d1 = FloatVector.fromArray(S, x, d + next), v;
                v = FloatVector.broadcast(S, x[i]); p0 = v.fma(d0, p0); q0 = v.fma(d1, q0);
                v = FloatVector.broadcast(S, x[i + 1]); p1 = v.fma(d0, p1); q1 = v.fma(d1, q1);
                v = FloatVector.broadcast(S, x[i + 2]); p2 = v.fma(d0, p2); q2 = v.fma(d1, q2);
                v = FloatVector.broadcast(S, x[i + wp]); p3 = v.fma(d0, p3); q3 = v.fma(d1, q3);
                v = FloatVector.broadcast(S, x[i + wp + 1]); p4 = v.fma(d0, p4); q4 = v.fma(d1, q4);
                v = FloatVector.broadcast(S, x[i + wp + 2]); p5 = v.fma(d0, p5); q5 = v.fma(d1, q5);
                v = FloatVector.broadcast(S, x[i + w2]); p6 = v.fma(d0, p6); q6 = v.fma(d1, q6);
                v = FloatVector.broadcast(S, x[i + w2 + 1]); p7 = v.fma(d0, p7); q7 = v.fma(d1, q7);
                v = FloatVector.broadcast(S, x[i + w2 + 2]); p8 = v.fma(d0, p8); q8 = v.fma(d1, q8);
            }
        }
        p0.intoArray(acc, a + 0 * o); q0.intoArray(acc, a + 0 * o + L);
        p1.intoArray(acc, a + 1 * o); q1.intoArray(acc, a + 1 * o + L);
        p2.intoArray(acc, a + 2 * o); q2.intoArray(acc, a + 2 * o + L);
        p3.intoArray(acc, a + 3 * o); q3.intoArray(acc, a + 3 * o + L);
        p4.intoArray(acc, a + 4 * o); q4.intoArray(acc, a + 4 * o + L);
        p5.intoArray(acc, a + 5 * o); q5.intoArray(acc, a + 5 * o + L);
        p6.intoArray(acc, a + 6 * o); q6.intoArray(acc, a + 6 * o + L);
        p7.intoArray(acc, a + 7 * o); q7.intoArray(acc, a + 7 * o + L);
        p8.intoArray(acc, a + 8 * o); q8.intoArray(acc, a + 8 * o + L);
    }

    /**
     * One input channel × one vector of output channels (o0 .. o0 + L − 1) at stride 1, nine broadcasts
     * a pixel into nine sums (11 live vectors: the 16-register machines' tile); tap t's sums at acc[a + t·o].
     */
    private static void nineRows(int oh, int ow, int rowStep, int wp, float[] x, int x0, int dyOff, int o, int o0, float[] acc, int a, boolean first) {
        FloatVector p0, p1, p2, p3, p4, p5, p6, p7, p8;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            p0 = z; p1 = z; p2 = z; p3 = z; p4 = z; p5 = z; p6 = z; p7 = z; p8 = z;
        } else {
            p0 = FloatVector.fromArray(S, acc, a + 0 * o); p1 = FloatVector.fromArray(S, acc, a + 1 * o);
            p2 = FloatVector.fromArray(S, acc, a + 2 * o); p3 = FloatVector.fromArray(S, acc, a + 3 * o);
            p4 = FloatVector.fromArray(S, acc, a + 4 * o); p5 = FloatVector.fromArray(S, acc, a + 5 * o);
            p6 = FloatVector.fromArray(S, acc, a + 6 * o); p7 = FloatVector.fromArray(S, acc, a + 7 * o);
            p8 = FloatVector.fromArray(S, acc, a + 8 * o);
        }
        int w2 = 2 * wp;
        for (int r = 0, xr = x0, d = dyOff; r < oh; r++, xr += rowStep) {
            for (int q = 0; q < ow; q++, d += L) {
                int i = xr + q;
                FloatVector d0 = FloatVector.fromArray(S, x, d);
                p0 = FloatVector.broadcast(S, x[i]).fma(d0, p0);
                p1 = FloatVector.broadcast(S, x[i + 1]).fma(d0, p1);
                p2 = FloatVector.broadcast(S, x[i + 2]).fma(d0, p2);
                p3 = FloatVector.broadcast(S, x[i + wp]).fma(d0, p3);
                p4 = FloatVector.broadcast(S, x[i + wp + 1]).fma(d0, p4);
                p5 = FloatVector.broadcast(S, x[i + wp + 2]).fma(d0, p5);
                p6 = FloatVector.broadcast(S, x[i + w2]).fma(d0, p6);
                p7 = FloatVector.broadcast(S, x[i + w2 + 1]).fma(d0, p7);
                p8 = FloatVector.broadcast(S, x[i + w2 + 2]).fma(d0, p8);
            }
        }
        p0.intoArray(acc, a + 0 * o); p1.intoArray(acc, a + 1 * o); p2.intoArray(acc, a + 2 * o);
        p3.intoArray(acc, a + 3 * o); p4.intoArray(acc, a + 4 * o); p5.intoArray(acc, a + 5 * o);
        p6.intoArray(acc, a + 6 * o); p7.intoArray(acc, a + 7 * o); p8.intoArray(acc, a + 8 * o);
    }

    /** {@link #nineRows} at column stride 2 (see {@link #pairStrided} for why it is a separate loop). */
    private static void nineStrided(int oh, int ow, int rowStep, int wp, float[] x, int x0, int dyOff, int o, int o0, float[] acc, int a, boolean first) {
        FloatVector p0, p1, p2, p3, p4, p5, p6, p7, p8;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            p0 = z; p1 = z; p2 = z; p3 = z; p4 = z; p5 = z; p6 = z; p7 = z; p8 = z;
        } else {
            p0 = FloatVector.fromArray(S, acc, a + 0 * o); p1 = FloatVector.fromArray(S, acc, a + 1 * o);
            p2 = FloatVector.fromArray(S, acc, a + 2 * o); p3 = FloatVector.fromArray(S, acc, a + 3 * o);
            p4 = FloatVector.fromArray(S, acc, a + 4 * o); p5 = FloatVector.fromArray(S, acc, a + 5 * o);
            p6 = FloatVector.fromArray(S, acc, a + 6 * o); p7 = FloatVector.fromArray(S, acc, a + 7 * o);
            p8 = FloatVector.fromArray(S, acc, a + 8 * o);
        }
        int w2 = 2 * wp;
        for (int r = 0, xr = x0, d = dyOff; r < oh; r++, xr += rowStep) {
            for (int q = 0; q < ow; q++, d += L) {
                int i = xr + 2 * q;
                FloatVector d0 = FloatVector.fromArray(S, x, d);
                p0 = FloatVector.broadcast(S, x[i]).fma(d0, p0);
                p1 = FloatVector.broadcast(S, x[i + 1]).fma(d0, p1);
                p2 = FloatVector.broadcast(S, x[i + 2]).fma(d0, p2);
                p3 = FloatVector.broadcast(S, x[i + wp]).fma(d0, p3);
                p4 = FloatVector.broadcast(S, x[i + wp + 1]).fma(d0, p4);
                p5 = FloatVector.broadcast(S, x[i + wp + 2]).fma(d0, p5);
                p6 = FloatVector.broadcast(S, x[i + w2]).fma(d0, p6);
                p7 = FloatVector.broadcast(S, x[i + w2 + 1]).fma(d0, p7);
                p8 = FloatVector.broadcast(S, x[i + w2 + 2]).fma(d0, p8);
            }
        }
        p0.intoArray(acc, a + 0 * o); p1.intoArray(acc, a + 1 * o); p2.intoArray(acc, a + 2 * o);
        p3.intoArray(acc, a + 3 * o); p4.intoArray(acc, a + 4 * o); p5.intoArray(acc, a + 5 * o);
        p6.intoArray(acc, a + 6 * o); p7.intoArray(acc, a + 7 * o); p8.intoArray(acc, a + 8 * o);
    }
}
