package dev.apprentice.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a 3×3 convolution with output channels in the vector lanes:
 * dW[o][c][t] = Σ over images and pixels p of dy[o][p] · x[c][p + offset(t)], in the wide layout
 * ({@link WideLowering}: x zero-padded, p a wide index, offset(ki, kj) = ki·Wp + kj). Each image's
 * dy is first transposed to pixel-major rows of O floats ({@link Transpose16}; zero in the garbage
 * columns); then a tile keeps 18 sums in registers, the 9 taps of one input channel × 32 output
 * channels (two vectors), or of two input channels × 16, and per pixel loads one or two dy vectors
 * and broadcasts nine inputs. The 32-channel tile runs over compact pixels row by row, skipping the
 * wide layout's garbage columns ({@link #pairRows}; {@link #pairStrided} for column stride 2, ResNets'
 * down-sampling 3×3 layers); only the 16-channel tile sweeps wide pixels (see {@link #wide}).
 *
 * <p>Why: {@link WeightGradDot} runs its vectors along the pixels, which needs 8 vector loads per 16
 * multiply-adds (a third of them split across cache lines by the tap shifts) and 16-lane horizontal
 * sums per weight; here 18 multiply-adds take 10 or 11 loads, nine of them 4-byte broadcasts, and the
 * lanes are the output channels themselves. Measured on ResNet-20's layers at batch 128, 2 threads,
 * one JVM alternating the two (medians of 21): 16→16 at 28×28 53–68 → 59–85 GFLOP/s, 32→32 at
 * 14×14 87–129 → 111–158, 64→64 at 7×7 71–108 → 110–162.
 *
 * <p>Sums run image by image in order, each pixel's products in tap order, so a chunk's result does
 * not depend on the thread that computes it.
 */
final class Conv3x3WeightGrad {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = 16;

    private Conv3x3WeightGrad() {}

    /**
     * A 3×3 kernel with stride 1 and output channels in whole vectors of 16, or with column stride 2
     * (any row stride: ResNets' down-sampling layers) and output channels in whole pairs of vectors.
     */
    static boolean applies(ConvGeometry g) {
        if (g.kernelH() != 3 || g.kernelW() != 3) return false;
        return g.strideH() == 1 && g.strideW() == 1 ? g.outChannels() % L == 0 : g.strideW() == 2 && g.outChannels() % (2 * L) == 0;
    }

    /**
     * Whether the tiles sweep wide pixels (garbage columns included): stride-1 layers whose output
     * channels are not whole pairs of vectors, which need {@link #single}. The others run over compact
     * pixels row by row: the wide layout's garbage columns cost real multiply-adds (2 in 9 at 7×7), and
     * dropping them at stride 1 made a ResNet-20 training step (batch 128, 2 threads, AMD Zen 4) 4.9%
     * faster by the median of 10 alternating rounds.
     */
    private static boolean wide(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outChannels() % (2 * L) != 0;
    }

    /** Pixels a tile sweeps per image: every wide column when {@link #wide}, else the output pixels. */
    static int pixels(ConvGeometry g) {
        return wide(g) ? WideLowering.wideCols(g) : g.outH() * g.outW();
    }

    /** Floats of a work area: the padded image, then the transposed dy. */
    static int workFloats(ConvGeometry g) {
        return WideLowering.paddedSize(g) + pixels(g) * g.outChannels();
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
        int o = g.outChannels(), cin = g.inChannels(), pixels = pixels(g);
        boolean wide = wide(g);
        int wp = WideLowering.paddedW(g), plane = WideLowering.paddedH(g) * wp;
        int xStride = cin * g.inH() * g.inW(), yStride = o * g.outH() * g.outW();
        int dyOff = wOff + WideLowering.paddedSize(g);
        WideLowering.pad(g, x, n * xStride, work, wOff);
        transpose(g, wide ? wp : g.outW(), dy, n * yStride, at, work, dyOff);
        if (!wide && g.strideW() == 1) {
            for (int o0 = 0; o0 < o; o0 += 2 * L)
                for (int c = 0; c < cin; c++)
                    pairRows(g.outH(), g.outW(), g.strideH() * wp, wp, work, wOff + c * plane, dyOff, o, o0, acc, accOff + c * 9 * o + o0, first);
            return;
        }
        if (!wide) {
            for (int o0 = 0; o0 < o; o0 += 2 * L)
                for (int c = 0; c < cin; c++)
                    pairStrided(g.outH(), g.outW(), g.strideH() * wp, wp, work, wOff + c * plane, dyOff, o, o0, acc, accOff + c * 9 * o + o0, first);
            return;
        }
        int o0 = 0;
        for (; o0 + 2 * L <= o; o0 += 2 * L)
            for (int c = 0; c < cin; c++)
                pair(pixels, work, wOff + c * plane, wp, dyOff, o, o0, acc, accOff + c * 9 * o + o0, first);
        if (o0 < o) { // one vector of output channels left: two input channels a tile (an odd last one pairs with itself)
            for (int c = 0; c < cin; c += 2) {
                int c1 = Math.min(c + 1, cin - 1);
                single(pixels, work, wOff + c * plane, wOff + c1 * plane, wp, dyOff, o, o0, acc, accOff + c * 9 * o + o0, accOff + c1 * 9 * o + o0, first);
            }
        }
    }

    /** dw[(o·C + c)·9 + t] += acc[accOff + (c·9 + t)·O + o]. */
    static void addTransposed(ConvGeometry g, float[] acc, int accOff, float[] dw, int oFrom, int oTo) {
        int o = g.outChannels(), cin = g.inChannels();
        for (int oc = oFrom; oc < oTo; oc++)
            for (int c = 0; c < cin; c++)
                for (int t = 0; t < 9; t++) dw[(oc * cin + c) * 9 + t] += acc[accOff + (c * 9 + t) * o + oc];
    }

    /**
     * Where {@link #image} puts each pixel p = r·outW + q of dy: at (r·rowLen + q)·O floats into the
     * transposed dy, rowLen being the padded width at stride 1 (wide pixels) and outW otherwise.
     */
    static int[] pixelOffsets(ConvGeometry g) {
        int ow = g.outW(), rowLen = wide(g) ? WideLowering.paddedW(g) : ow, o = g.outChannels();
        int[] at = new int[g.outH() * ow];
        for (int p = 0; p < at.length; p++) at[p] = (p / ow * rowLen + p % ow) * o;
        return at;
    }

    /**
     * dy's image at yOff (O × outH × outW) as rows of O floats per pixel at dst[dOff + at[p] ..] (see
     * {@link #pixelOffsets}), zero where q >= outW (the wide layout's garbage columns): 16 × 16 blocks
     * transposed in registers, the last hw mod 16 pixels gathered 16 channels at a time.
     */
    private static void transpose(ConvGeometry g, int rowLen, float[] dy, int yOff, int[] at, float[] dst, int dOff) {
        int o = g.outChannels(), oh = g.outH(), ow = g.outW(), hw = oh * ow, blocked = hw - hw % L;
        for (int oc = 0; oc < o; oc += L)
            for (int p = 0; p < blocked; p += L) Transpose16.block(dy, yOff + oc * hw + p, hw, dst, dOff + oc, at, p, false);
        if (blocked < hw) {
            int[] lanes = new int[L];
            for (int l = 0; l < L; l++) lanes[l] = l * hw;
            for (int p = blocked; p < hw; p++)
                for (int oc = 0; oc < o; oc += L) FloatVector.fromArray(S, dy, yOff + p + oc * hw, lanes, 0).intoArray(dst, dOff + at[p] + oc);
        }
        if (rowLen > ow)
            for (int r = 0; r < oh; r++) java.util.Arrays.fill(dst, dOff + (r * rowLen + ow) * o, dOff + (r + 1) * rowLen * o, 0f);
    }

    /**
     * One input channel (padded plane at x[x0 ..]) × output channels o0 .. o0 + 31: tap t's two sum
     * vectors at acc[a + t·o] and acc[a + t·o + 16], started from zero when first. The nine taps are
     * spelled out: their fixed displacements from the pixel are the point.
     */
    private static void pair(int pixels, float[] x, int x0, int wp, int dyOff, int o, int o0, float[] acc, int a, boolean first) {
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
        for (int p = 0; p < pixels; p++) {
            int d = dyOff + p * o + o0, r = x0 + p;
            FloatVector d0 = FloatVector.fromArray(S, x, d), d1 = FloatVector.fromArray(S, x, d + L), v;
            v = FloatVector.broadcast(S, x[r]); p0 = v.fma(d0, p0); q0 = v.fma(d1, q0);
            v = FloatVector.broadcast(S, x[r + 1]); p1 = v.fma(d0, p1); q1 = v.fma(d1, q1);
            v = FloatVector.broadcast(S, x[r + 2]); p2 = v.fma(d0, p2); q2 = v.fma(d1, q2);
            v = FloatVector.broadcast(S, x[r + wp]); p3 = v.fma(d0, p3); q3 = v.fma(d1, q3);
            v = FloatVector.broadcast(S, x[r + wp + 1]); p4 = v.fma(d0, p4); q4 = v.fma(d1, q4);
            v = FloatVector.broadcast(S, x[r + wp + 2]); p5 = v.fma(d0, p5); q5 = v.fma(d1, q5);
            v = FloatVector.broadcast(S, x[r + w2]); p6 = v.fma(d0, p6); q6 = v.fma(d1, q6);
            v = FloatVector.broadcast(S, x[r + w2 + 1]); p7 = v.fma(d0, p7); q7 = v.fma(d1, q7);
            v = FloatVector.broadcast(S, x[r + w2 + 2]); p8 = v.fma(d0, p8); q8 = v.fma(d1, q8);
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
     * Two input channels (planes at x[x0 ..] and x[x1 ..]) × output channels o0 .. o0 + 15: tap t's sums
     * at acc[a0 + t·o] and acc[a1 + t·o]. The same channel twice (x1 = x0, a1 = a0) computes and
     * stores the same sums twice.
     */
    private static void single(int pixels, float[] x, int x0, int x1, int wp, int dyOff, int o, int o0,
                               float[] acc, int a0, int a1, boolean first) {
        FloatVector p0, p1, p2, p3, p4, p5, p6, p7, p8;
        FloatVector q0, q1, q2, q3, q4, q5, q6, q7, q8;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            p0 = z; p1 = z; p2 = z; p3 = z; p4 = z; p5 = z; p6 = z; p7 = z; p8 = z;
            q0 = z; q1 = z; q2 = z; q3 = z; q4 = z; q5 = z; q6 = z; q7 = z; q8 = z;
        } else {
            p0 = FloatVector.fromArray(S, acc, a0 + 0 * o); q0 = FloatVector.fromArray(S, acc, a1 + 0 * o);
            p1 = FloatVector.fromArray(S, acc, a0 + 1 * o); q1 = FloatVector.fromArray(S, acc, a1 + 1 * o);
            p2 = FloatVector.fromArray(S, acc, a0 + 2 * o); q2 = FloatVector.fromArray(S, acc, a1 + 2 * o);
            p3 = FloatVector.fromArray(S, acc, a0 + 3 * o); q3 = FloatVector.fromArray(S, acc, a1 + 3 * o);
            p4 = FloatVector.fromArray(S, acc, a0 + 4 * o); q4 = FloatVector.fromArray(S, acc, a1 + 4 * o);
            p5 = FloatVector.fromArray(S, acc, a0 + 5 * o); q5 = FloatVector.fromArray(S, acc, a1 + 5 * o);
            p6 = FloatVector.fromArray(S, acc, a0 + 6 * o); q6 = FloatVector.fromArray(S, acc, a1 + 6 * o);
            p7 = FloatVector.fromArray(S, acc, a0 + 7 * o); q7 = FloatVector.fromArray(S, acc, a1 + 7 * o);
            p8 = FloatVector.fromArray(S, acc, a0 + 8 * o); q8 = FloatVector.fromArray(S, acc, a1 + 8 * o);
        }
        int w2 = 2 * wp;
        for (int p = 0; p < pixels; p++) {
            int r = x0 + p, s = x1 + p;
            FloatVector d = FloatVector.fromArray(S, x, dyOff + p * o + o0);
            p0 = FloatVector.broadcast(S, x[r]).fma(d, p0); q0 = FloatVector.broadcast(S, x[s]).fma(d, q0);
            p1 = FloatVector.broadcast(S, x[r + 1]).fma(d, p1); q1 = FloatVector.broadcast(S, x[s + 1]).fma(d, q1);
            p2 = FloatVector.broadcast(S, x[r + 2]).fma(d, p2); q2 = FloatVector.broadcast(S, x[s + 2]).fma(d, q2);
            p3 = FloatVector.broadcast(S, x[r + wp]).fma(d, p3); q3 = FloatVector.broadcast(S, x[s + wp]).fma(d, q3);
            p4 = FloatVector.broadcast(S, x[r + wp + 1]).fma(d, p4); q4 = FloatVector.broadcast(S, x[s + wp + 1]).fma(d, q4);
            p5 = FloatVector.broadcast(S, x[r + wp + 2]).fma(d, p5); q5 = FloatVector.broadcast(S, x[s + wp + 2]).fma(d, q5);
            p6 = FloatVector.broadcast(S, x[r + w2]).fma(d, p6); q6 = FloatVector.broadcast(S, x[s + w2]).fma(d, q6);
            p7 = FloatVector.broadcast(S, x[r + w2 + 1]).fma(d, p7); q7 = FloatVector.broadcast(S, x[s + w2 + 1]).fma(d, q7);
            p8 = FloatVector.broadcast(S, x[r + w2 + 2]).fma(d, p8); q8 = FloatVector.broadcast(S, x[s + w2 + 2]).fma(d, q8);
        }
        p0.intoArray(acc, a0 + 0 * o); q0.intoArray(acc, a1 + 0 * o);
        p1.intoArray(acc, a0 + 1 * o); q1.intoArray(acc, a1 + 1 * o);
        p2.intoArray(acc, a0 + 2 * o); q2.intoArray(acc, a1 + 2 * o);
        p3.intoArray(acc, a0 + 3 * o); q3.intoArray(acc, a1 + 3 * o);
        p4.intoArray(acc, a0 + 4 * o); q4.intoArray(acc, a1 + 4 * o);
        p5.intoArray(acc, a0 + 5 * o); q5.intoArray(acc, a1 + 5 * o);
        p6.intoArray(acc, a0 + 6 * o); q6.intoArray(acc, a1 + 6 * o);
        p7.intoArray(acc, a0 + 7 * o); q7.intoArray(acc, a1 + 7 * o);
        p8.intoArray(acc, a0 + 8 * o); q8.intoArray(acc, a1 + 8 * o);
    }

    /**
     * {@link #pair} for column stride 2 over compact pixels: output pixel (r, q) reads the padded plane from
     * row r·rowStep / Wp, column 2q. Rows and columns are separate loops with the column step a constant: C2
     * removes the range checks of x[i + ...] only for a constant scale (a variable step measured 20% slower).
     */
    private static void pairStrided(int oh, int ow, int rowStep, int wp, float[] x, int x0, int dyOff, int o, int o0,
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
        for (int r = 0, xr = x0, d = dyOff + o0; r < oh; r++, xr += rowStep) {
            for (int q = 0; q < ow; q++, d += o) {
                int i = xr + 2 * q;
                FloatVector d0 = FloatVector.fromArray(S, x, d), d1 = FloatVector.fromArray(S, x, d + L), v;
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

    /** {@link #pairStrided} for column stride 1 over compact pixels: no garbage columns (7×7 images have 2 in 9 wide). */
    private static void pairRows(int oh, int ow, int rowStep, int wp, float[] x, int x0, int dyOff, int o, int o0,
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
        for (int r = 0, xr = x0, d = dyOff + o0; r < oh; r++, xr += rowStep) {
            for (int q = 0; q < ow; q++, d += o) {
                int i = xr + q;
                FloatVector d0 = FloatVector.fromArray(S, x, d), d1 = FloatVector.fromArray(S, x, d + L), v;
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
}
