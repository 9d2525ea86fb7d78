package dev.apprentice.engine.kernel;

import static dev.apprentice.engine.kernel.SgemmMicroKernel.L;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.MR;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.NR;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Stride-1 3×3 convolutions in the wide layout (see {@link WideLowering}) with a micro-kernel that
 * knows the column matrix's rows: for input channel c they are the padded image's rows r, r + Wp and
 * r + 2·Wp at offsets 0, 1 and 2, so the nine taps are nine loads at fixed displacements from three
 * row starts. The general implicit-im2col GEMM ({@link Sgemm#sgemmRows}) instead loads each row's
 * offset from a table, which costs general registers the loop lacks (C2 spills them to vector
 * registers, competing with the FMAs). Measured on ResNet-20's layers at batch 128, 2 threads,
 * medians of 80 calls alternating with the GEMM path in one JVM: 16→16 at 28×28 forward 104 → 130
 * GFLOP/s and backward-data 105 → 130; 32→32 at 14×14 and 64→64 at 7×7 0–11% faster; a training
 * step 4–10% faster.
 *
 * <p>Same arithmetic as the GEMM and its epilogue: each sum starts from zero and adds the products in
 * k = (c, ki, kj) order, then bias, residual and relu in that order, so results are bit-identical to
 * the general path.
 */
final class Conv3x3Kernel {
    private Conv3x3Kernel() {}

    /** The calling thread's 8 × 32 tile on its way to {@link #storeCompact}. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    /** Whether {@link #runInto} and {@link #runWide} apply: stride 1, a 3×3 kernel, output channels in whole 8-row panels. */
    static boolean applies(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.kernelH() == 3 && g.kernelW() == 3 && g.outChannels() % MR == 0;
    }

    /**
     * Packs OIHW weights as {@link #tile} reads them: panel i (output channels 8i .. 8i + 7) holds, for
     * each k = (c, ki, kj), the 8 channels' weights, i.e. w'[i][k][r] = w[8i + r][k].
     */
    static float[] pack(int o, int k, float[] w, float[] into) {
        float[] p = into != null && into.length >= o * k ? into : new float[o * k];
        for (int i = 0; i < o; i += MR)
            for (int q = 0; q < k; q++)
                for (int r = 0; r < MR; r++) p[i * k + q * MR + r] = w[(i + r) * k + q];
        return p;
    }

    /**
     * y[yOff + o·P + p] = relu?(Σ over (c, ki, kj) of w[o][c][ki][kj]·x[c][..] + bias[o] + res[yOff + o·P + p])
     * for every output channel o and pixel p < P = outH·outW (bias, res may be null), the image
     * padded at pad[0 ..] by {@link WideLowering#pad} and the weights packed by {@link #pack}.
     * res may be y itself (dx += ... for a gradient).
     *
     * <p>Each tile computes 32 wide columns and stores only the valid ones: compressed (the valid
     * lanes of each 16-column half moved to its front), they are the next pixels of y in order, so
     * the garbage columns never leave the registers and no wide buffer is copied out.
     */
    static void runInto(ConvGeometry g, float[] packed, float[] pad, float[] y, int yOff, float[] bias, float[] res, boolean relu) {
        int o = g.outChannels(), channels = g.inChannels(), k = channels * 9, wideCols = WideLowering.wideCols(g);
        int wp = WideLowering.paddedW(g), plane = WideLowering.paddedH(g) * wp, ow = g.outW(), ys = g.outH() * ow;
        float[] t = TILE.get();
        // Column panel outer: its 3-row strips of every channel (channels × 3 × 34 floats) stay in L1
        // while all the row panels sweep them.
        for (int j = 0; j < wideCols; j += NR) {
            long lo = validLanes(j, wideCols, wp, ow), hi = validLanes(j + L, wideCols, wp, ow);
            int first = j / wp * ow + Math.min(j % wp, ow); // pixels before wide column j
            for (int i = 0; i < o; i += MR) {
                tile(channels, packed, i * k, pad, j, plane, wp, t, 0, NR);
                storeCompact(t, y, yOff + i * ys + first, ys, lo, hi, bias, i, res, relu);
            }
        }
    }

    /**
     * out[outOff + o·cols + j] = the convolution's sum for output channel o at wide column j, for every
     * j < cols ({@link WideLowering#gemmCols}), garbage columns included: for a caller that copies the
     * valid ones out itself. Without an epilogue to apply, this and a plain copy measured faster in a
     * training step (ResNet-20, batch 128, 2 threads: 355 vs 333 img/s median) than {@link #runInto}'s
     * compressed, masked stores, which win when bias, residual and relu ride along (inference:
     * 1779 → 2006 and 1597 → 1802 img/s median).
     */
    static void runWide(ConvGeometry g, float[] packed, float[] pad, float[] out, int outOff) {
        int o = g.outChannels(), channels = g.inChannels(), k = channels * 9, cols = WideLowering.gemmCols(g);
        int wp = WideLowering.paddedW(g), plane = WideLowering.paddedH(g) * wp;
        for (int j = 0; j < cols; j += NR)
            for (int i = 0; i < o; i += MR)
                tile(channels, packed, i * k, pad, j, plane, wp, out, outOff + i * cols + j, cols);
    }

    /** Bit l set when wide column j + l (l < 16) is a real pixel: inside the image and its row. */
    static long validLanes(int j, int wideCols, int wp, int ow) {
        long bits = 0;
        for (int l = 0; l < L; l++) if (j + l < wideCols && (j + l) % wp < ow) bits |= 1L << l;
        return bits;
    }

    /**
     * The 8 × 32 tile of output channels from the packed panel at ao, wide columns from bo: stored at
     * c[co + r·ldc ..] for row r. Kept to the FMAs and plain stores: with the epilogue inline the
     * method grew past what C1 can compile (out of virtual registers), and one run was left with the
     * C1 tier-2 code (vectors as objects, 1 GFLOP/s) for minutes. The stores repeat
     * {@link SgemmMicroKernel#kernel}'s on purpose: a helper taking the 16 vectors would box them.
     */
    static void tile(int channels, float[] a, int ao, float[] b, int bo, int plane, int wp, float[] c, int co, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int ch = 0; ch < channels; ch++, bo += plane, ao += 9 * MR) {
            int r0 = bo, r1 = bo + wp, r2 = bo + 2 * wp;
            FloatVector b0, b1, x;
            b0 = FloatVector.fromArray(S, b, r0 + 0); b1 = FloatVector.fromArray(S, b, r0 + 16);
            x = FloatVector.broadcast(S, a[ao + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r0 + 1); b1 = FloatVector.fromArray(S, b, r0 + 17);
            x = FloatVector.broadcast(S, a[ao + 8]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 9]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 10]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 11]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 12]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 13]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 14]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 15]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r0 + 2); b1 = FloatVector.fromArray(S, b, r0 + 18);
            x = FloatVector.broadcast(S, a[ao + 16]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 17]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 18]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 19]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 20]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 21]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 22]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 23]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r1 + 0); b1 = FloatVector.fromArray(S, b, r1 + 16);
            x = FloatVector.broadcast(S, a[ao + 24]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 25]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 26]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 27]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 28]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 29]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 30]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 31]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r1 + 1); b1 = FloatVector.fromArray(S, b, r1 + 17);
            x = FloatVector.broadcast(S, a[ao + 32]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 33]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 34]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 35]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 36]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 37]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 38]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 39]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r1 + 2); b1 = FloatVector.fromArray(S, b, r1 + 18);
            x = FloatVector.broadcast(S, a[ao + 40]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 41]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 42]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 43]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 44]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 45]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 46]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 47]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r2 + 0); b1 = FloatVector.fromArray(S, b, r2 + 16);
            x = FloatVector.broadcast(S, a[ao + 48]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 49]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 50]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 51]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 52]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 53]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 54]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 55]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r2 + 1); b1 = FloatVector.fromArray(S, b, r2 + 17);
            x = FloatVector.broadcast(S, a[ao + 56]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 57]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 58]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 59]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 60]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 61]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 62]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 63]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            b0 = FloatVector.fromArray(S, b, r2 + 2); b1 = FloatVector.fromArray(S, b, r2 + 18);
            x = FloatVector.broadcast(S, a[ao + 64]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 65]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 66]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 67]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 68]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 69]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 70]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 71]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc); c71.intoArray(c, co + 7 * ldc + L);
    }

    /**
     * The tile at t[0 ..] (8 rows of 32) stored compressed at y[yo + r·ys ..] for row r: the lanes of
     * lo, then of hi, plus bias[bi + r] and the residual at the same offsets, then relu.
     */
    static void storeCompact(float[] t, float[] y, int yo, int ys, long loBits, long hiBits, float[] bias, int bi, float[] res, boolean relu) {
        int nLo = Long.bitCount(loBits), nHi = Long.bitCount(hiBits);
        VectorMask<Float> lo = VectorMask.fromLong(S, loBits), hi = VectorMask.fromLong(S, hiBits);
        VectorMask<Float> loFirst = VectorMask.fromLong(S, (1L << nLo) - 1), hiFirst = VectorMask.fromLong(S, (1L << nHi) - 1);
        for (int r = 0; r < MR; r++) {
            int d = yo + r * ys;
            FloatVector v0 = FloatVector.fromArray(S, t, r * NR), v1 = FloatVector.fromArray(S, t, r * NR + L);
            if (bias != null) { v0 = v0.add(bias[bi + r]); v1 = v1.add(bias[bi + r]); }
            v0 = v0.compress(lo);
            v1 = v1.compress(hi);
            // both residual loads before the stores: a load issued after a masked store to the same
            // cache line waits for that store to leave the store buffer
            if (res != null) {
                v0 = v0.add(FloatVector.fromArray(S, res, d, loFirst));
                v1 = v1.add(FloatVector.fromArray(S, res, d + nLo, hiFirst));
            }
            if (relu) { v0 = v0.max(0f); v1 = v1.max(0f); }
            v0.intoArray(y, d, loFirst);
            v1.intoArray(y, d + nLo, hiFirst);
        }
    }
}
