package dev.apprentice.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8 x 32 register-blocked SGEMM micro-kernel: C[8][32] = alpha * Apanel * Bpanel + beta * C.
 * Packed A is [kc][8] (8 rows broadcast per k), packed B is [kc][32] (two 512-bit vectors per k).
 *
 * <p>Why this shape: 16 accumulators + 2 B vectors + 1 broadcast fit the 32 zmm registers with
 * room to spare, and it measured ~114 GFLOP/s on one core (the machine's FMA peak). 12x32 and
 * 8x48 (24 accumulators) measured 100 and 90 (C2 spills); 256-bit 8x24 measured 60. MR = 8
 * also divides every M the ResNet-20 convolutions issue (16, 32, 64, 144, 288, 576).
 *
 * <p>Arithmetic per element: acc = fma over p ascending from 0, then alpha*acc (beta = 0) or
 * fma(acc, alpha, beta*C). The edge path does exactly the same scalar operations, so results do
 * not depend on whether a tile is an edge tile. (Generated code: one line per row.)
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int L = 16;          // lanes of S
    static final int MR = 8;
    static final int NR = 2 * L;

    private SgemmMicroKernel() {}

    /**
     * Full tile: packed a[ao + p*MR + r]; B(p, j) at b[bo + p*ldbk + j] (ldbk = NR for a packed
     * panel, or ldb to stream a row-major B in place); C tile at c[co + r*ldc + j].
     */
    static void kernel(int kc, float[] a, int ao, float[] b, int bo, int ldbk,
                       float alpha, float beta, float[] c, int co, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * ldbk, ai = ao + p * MR;
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
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0) {
            c00.mul(av).intoArray(c, co + 0 * ldc); c01.mul(av).intoArray(c, co + 0 * ldc + L);
            c10.mul(av).intoArray(c, co + 1 * ldc); c11.mul(av).intoArray(c, co + 1 * ldc + L);
            c20.mul(av).intoArray(c, co + 2 * ldc); c21.mul(av).intoArray(c, co + 2 * ldc + L);
            c30.mul(av).intoArray(c, co + 3 * ldc); c31.mul(av).intoArray(c, co + 3 * ldc + L);
            c40.mul(av).intoArray(c, co + 4 * ldc); c41.mul(av).intoArray(c, co + 4 * ldc + L);
            c50.mul(av).intoArray(c, co + 5 * ldc); c51.mul(av).intoArray(c, co + 5 * ldc + L);
            c60.mul(av).intoArray(c, co + 6 * ldc); c61.mul(av).intoArray(c, co + 6 * ldc + L);
            c70.mul(av).intoArray(c, co + 7 * ldc); c71.mul(av).intoArray(c, co + 7 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            st(c00, av, bv, c, co + 0 * ldc); st(c01, av, bv, c, co + 0 * ldc + L);
            st(c10, av, bv, c, co + 1 * ldc); st(c11, av, bv, c, co + 1 * ldc + L);
            st(c20, av, bv, c, co + 2 * ldc); st(c21, av, bv, c, co + 2 * ldc + L);
            st(c30, av, bv, c, co + 3 * ldc); st(c31, av, bv, c, co + 3 * ldc + L);
            st(c40, av, bv, c, co + 4 * ldc); st(c41, av, bv, c, co + 4 * ldc + L);
            st(c50, av, bv, c, co + 5 * ldc); st(c51, av, bv, c, co + 5 * ldc + L);
            st(c60, av, bv, c, co + 6 * ldc); st(c61, av, bv, c, co + 6 * ldc + L);
            st(c70, av, bv, c, co + 7 * ldc); st(c71, av, bv, c, co + 7 * ldc + L);
        }
    }

    private static void st(FloatVector acc, FloatVector av, FloatVector bv, float[] c, int o) {
        acc.fma(av, FloatVector.fromArray(S, c, o).mul(bv)).intoArray(c, o);
    }

    /** Edge tile (mr <= MR rows, nr <= NR columns): full kernel into a scratch tile, then merge. */
    static void edge(int kc, float[] a, int ao, float[] b, int bo, float[] tile,
                     int mr, int nr, float alpha, float beta, float[] c, int co, int ldc) {
        kernel(kc, a, ao, b, bo, NR, 1f, 0f, tile, 0, NR);
        for (int r = 0; r < mr; r++) {
            int ci = co + r * ldc, ti = r * NR;
            if (beta == 0) {
                for (int j = 0; j < nr; j++) c[ci + j] = tile[ti + j] * alpha;
            } else {
                for (int j = 0; j < nr; j++) c[ci + j] = Math.fma(tile[ti + j], alpha, c[ci + j] * beta);
            }
        }
    }
}
