package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked SGEMM micro-kernel: C[MR][NR] (+)= Apanel · Bpanel, NR two vectors wide.
 * Packed A is [kc][MR] (MR rows broadcast per k), packed B is [kc][NR] (two vectors per k).
 *
 * <p>The tile is chosen per machine from the vector registers the JIT has ({@link VectorWidth}):
 * with 32 (AVX-512, ARM) 8 × 2 vectors: 16 accumulators + 2 B vectors + 1 broadcast, measured
 * ~114 GFLOP/s on one Zen 4 core at 512 bits (the FMA peak; 12x32 and 8x48 measured 100 and 90, C2
 * spills). With 16 (AVX2, SSE) 5 × 2 vectors: 10 accumulators + 2 B vectors + 1 broadcast. The
 * classic Haswell shape, 6 × 2 (15 live vectors), left C2 one register short: it spilled an
 * accumulator in the inner loop, and the store-and-reload put a store forward on that accumulator's
 * chain every k. One core at -XX:UseAVX=2 (AMD Zen 5), k = 256 in L1: 6 × 2 52-54 GFLOP/s, 5 × 2
 * 101-107, 4 × 2 98-101, 4 × 3 51-53; the FMA peak there is ~101.
 *
 * <p>Arithmetic per element: acc = C or 0, then fma over p ascending. The edge path does exactly
 * the same operations, so results do not depend on whether a tile is an edge tile.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    /** Lanes of S. */
    static final int L = S.length();
    /** Rows of a tile: 8 where 32 vector registers hold 16 accumulators, else 5. */
    static final int MR = VectorWidth.REGISTERS >= 32 ? 8 : 5;
    static final int NR = 2 * L;
    /** Rows of the short tile for edge panels of this many rows or fewer. */
    static final int HALF_MR = 4;

    private SgemmMicroKernel() {}

    /**
     * Full tile: C[MR][NR] (+)= Apanel·Bpanel. Packed a[ao + p*MR + r]; B(p, j) at
     * b[bo + p·NR + j]. C tile at c[co + r*ldc + j]. With accumulate the sums start from C (a later
     * k-slice, or beta = 1), else from zero. alpha is folded into packed A and beta applied to C
     * beforehand, so no vector ever leaves these methods (a helper taking vectors that C2 declines
     * to inline boxes them: measured 19% of a 1024³ GEMM spent in such a store helper).
     */
    static void kernel(int kc, float[] a, int ao, float[] b, int bo, boolean accumulate, float[] c, int co, int ldc) {
        if (MR == 8) kernel8(kc, a, ao, b, bo, accumulate, c, co, ldc);
        else kernel5(kc, a, ao, b, bo, accumulate, c, co, ldc);
    }

    private static void kernel8(int kc, float[] a, int ao, float[] b, int bo, boolean accumulate, float[] c, int co, int ldc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, co + 0 * ldc); c01 = FloatVector.fromArray(S, c, co + 0 * ldc + L);
            c10 = FloatVector.fromArray(S, c, co + 1 * ldc); c11 = FloatVector.fromArray(S, c, co + 1 * ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc); c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc); c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc); c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc); c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, co + 6 * ldc); c61 = FloatVector.fromArray(S, c, co + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, co + 7 * ldc); c71 = FloatVector.fromArray(S, c, co + 7 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc); c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc); c71.intoArray(c, co + 7 * ldc + L);
    }

    private static void kernel5(int kc, float[] a, int ao, float[] b, int bo, boolean accumulate, float[] c, int co, int ldc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, co + 0 * ldc); c01 = FloatVector.fromArray(S, c, co + 0 * ldc + L);
            c10 = FloatVector.fromArray(S, c, co + 1 * ldc); c11 = FloatVector.fromArray(S, c, co + 1 * ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc); c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc); c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc); c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * 5;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
    }

    /**
     * Edge tile (mr <= MR rows, nr <= NR columns): the full kernel on a scratch tile holding the
     * valid part of C (zeros elsewhere), then the valid part copied back: the same arithmetic per
     * element as a full tile. {@link #HALF_MR} rows or fewer run the short kernel: C with m mod MR of
     * 1-4 (a 10-class classifier's weight gradient) otherwise computes up to MR - 1 padding rows per
     * column panel.
     */
    static void edge(int kc, float[] a, int ao, float[] b, int bo, float[] tile,
                     int mr, int nr, boolean accumulate, float[] c, int co, int ldc) {
        int height = mr <= HALF_MR ? HALF_MR : MR;
        if (accumulate) {
            java.util.Arrays.fill(tile, 0, height * NR, 0f);
            for (int r = 0; r < mr; r++) System.arraycopy(c, co + r * ldc, tile, r * NR, nr);
        }
        if (height == MR) kernel(kc, a, ao, b, bo, accumulate, tile, 0, NR);
        else kernelHalf(kc, a, ao, b, bo, accumulate, tile, 0, NR);
        for (int r = 0; r < mr; r++) System.arraycopy(tile, r * NR, c, co + r * ldc, nr);
    }

    /** {@link #kernel} for the first four rows of the A panel only (C[4][NR]). */
    static void kernelHalf(int kc, float[] a, int ao, float[] b, int bo, boolean accumulate, float[] c, int co, int ldc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, co); c01 = FloatVector.fromArray(S, c, co + L);
            c10 = FloatVector.fromArray(S, c, co + ldc); c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc); c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc); c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
    }
}
