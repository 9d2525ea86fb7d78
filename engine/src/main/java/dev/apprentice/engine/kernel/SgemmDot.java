package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = alpha * A * B^T + beta * C as 4 x 4 blocks of dot products along k, for the
 * "A row-major, B transposed" case when C is small and k is long (the weight gradient of an
 * im2col convolution: 16 x 144 outputs, k = 100352). Both operands are contiguous along k, so
 * nothing is packed; the packed path would have to transpose all of B, which costs about as much
 * as the FMAs when m is small.
 *
 * <p>Each (i, j) keeps a one-vector partial sum across k (spilled to a buffer between k-chunks, so
 * chunking does not change the arithmetic); the lanes are summed in a fixed scalar order at
 * the end. The 4 × 4 tile holds 16 accumulators, 4 A vectors and a B vector, so it runs only where the
 * JIT has 32 vector registers ({@link #APPLIES}); elsewhere these products take the packed path. (Not {@code reduceLanes}: its order differs between the interpreter and C2, which
 * would break bit-identical repeated calls.)
 */
final class SgemmDot {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    /** Whether the tile fits the machine's vector registers without spilling. */
    static final boolean APPLIES = VectorWidth.REGISTERS >= 32;
    static final int TM = 4, TN = 4;
    private static final int TILE = TM * TN * L;
    /** Bytes of A and B rows one k-chunk may touch: half of the 1 MiB L2. */
    private static final int L2_BUDGET = 512 * 1024;

    private SgemmDot() {}

    /** Computes rows [i0, i1) x columns [j0, j1) of C; part is scratch of partSize(i1-i0, j1-j0). */
    static void block(int i0, int i1, int j0, int j1, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, float[] part) {
        int tilesM = (i1 - i0 + TM - 1) / TM, tilesN = (j1 - j0 + TN - 1) / TN;
        int rows = tilesM * TM + tilesN * TN;
        int kcd = Math.max(4 * L, Math.min(k, L2_BUDGET / (4 * rows)) / L * L);
        for (int p0 = 0; p0 < k; p0 += kcd) {
            int p1 = Math.min(k, p0 + kcd);
            for (int ti = 0; ti < tilesM; ti++) {
                int i = i0 + ti * TM;
                // Rows past the end repeat the last row (valid loads; their results are dropped).
                int a0 = aOff + Math.min(i, m - 1) * lda, a1 = aOff + Math.min(i + 1, m - 1) * lda;
                int a2 = aOff + Math.min(i + 2, m - 1) * lda, a3 = aOff + Math.min(i + 3, m - 1) * lda;
                for (int tj = 0; tj < tilesN; tj++) {
                    int j = j0 + tj * TN;
                    int b0 = bOff + Math.min(j, n - 1) * ldb, b1 = bOff + Math.min(j + 1, n - 1) * ldb;
                    int b2 = bOff + Math.min(j + 2, n - 1) * ldb, b3 = bOff + Math.min(j + 3, n - 1) * ldb;
                    tile(p0, p1, p0 == 0, a, a0, a1, a2, a3, b, b0, b1, b2, b3, part, (ti * tilesN + tj) * TILE);
                }
            }
        }
        for (int ti = 0; ti < tilesM; ti++) {
            for (int tj = 0; tj < tilesN; tj++) {
                int base = (ti * tilesN + tj) * TILE;
                for (int r = 0; r < TM; r++) {
                    int i = i0 + ti * TM + r;
                    if (i >= i1) break;
                    for (int q = 0; q < TN; q++) {
                        int j = j0 + tj * TN + q;
                        if (j >= j1) break;
                        int o = base + (r * TN + q) * L;
                        float s = 0f;
                        for (int l = 0; l < L; l++) s += part[o + l];
                        int ci = cOff + i * ldc + j;
                        c[ci] = beta == 0 ? s * alpha : Math.fma(s, alpha, c[ci] * beta);
                    }
                }
            }
        }
    }

    static int partSize(int rows, int cols) {
        return ((rows + TM - 1) / TM) * ((cols + TN - 1) / TN) * TILE;
    }

    private static void tile(int p0, int p1, boolean first, float[] a, int a0, int a1, int a2, int a3,
                             float[] b, int b0, int b1, int b2, int b3, float[] part, int o) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (first) {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z; c30 = z; c31 = z; c32 = z; c33 = z;
        } else {
            c00 = ld(part, o, 0); c01 = ld(part, o, 1); c02 = ld(part, o, 2); c03 = ld(part, o, 3);
            c10 = ld(part, o, 4); c11 = ld(part, o, 5); c12 = ld(part, o, 6); c13 = ld(part, o, 7);
            c20 = ld(part, o, 8); c21 = ld(part, o, 9); c22 = ld(part, o, 10); c23 = ld(part, o, 11);
            c30 = ld(part, o, 12); c31 = ld(part, o, 13); c32 = ld(part, o, 14); c33 = ld(part, o, 15);
        }
        int p = p0;
        for (; p + L <= p1; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p), x3 = FloatVector.fromArray(S, a, a3 + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, b, b1 + p);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, b, b2 + p);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, b, b3 + p);
            c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
        }
        c00.intoArray(part, o); c01.intoArray(part, o + L); c02.intoArray(part, o + 2 * L); c03.intoArray(part, o + 3 * L);
        c10.intoArray(part, o + 4 * L); c11.intoArray(part, o + 5 * L); c12.intoArray(part, o + 6 * L); c13.intoArray(part, o + 7 * L);
        c20.intoArray(part, o + 8 * L); c21.intoArray(part, o + 9 * L); c22.intoArray(part, o + 10 * L); c23.intoArray(part, o + 11 * L);
        c30.intoArray(part, o + 12 * L); c31.intoArray(part, o + 13 * L); c32.intoArray(part, o + 14 * L); c33.intoArray(part, o + 15 * L);
        // k tail, lane by lane: lane l of each partial gets a[p + l]·b[p + l], exactly what a masked
        // vector FMA would add (masked loads measured 20x slower than the whole kernel on C2).
        for (int l = 0; p + l < p1; l++) {
            int q = p + l;
            float x0 = a[a0 + q], x1 = a[a1 + q], x2 = a[a2 + q], x3 = a[a3 + q];
            float y0 = b[b0 + q], y1 = b[b1 + q], y2 = b[b2 + q], y3 = b[b3 + q];
            lane(part, o, 0, l, x0, y0); lane(part, o, 1, l, x0, y1); lane(part, o, 2, l, x0, y2); lane(part, o, 3, l, x0, y3);
            lane(part, o, 4, l, x1, y0); lane(part, o, 5, l, x1, y1); lane(part, o, 6, l, x1, y2); lane(part, o, 7, l, x1, y3);
            lane(part, o, 8, l, x2, y0); lane(part, o, 9, l, x2, y1); lane(part, o, 10, l, x2, y2); lane(part, o, 11, l, x2, y3);
            lane(part, o, 12, l, x3, y0); lane(part, o, 13, l, x3, y1); lane(part, o, 14, l, x3, y2); lane(part, o, 15, l, x3, y3);
        }
    }

    private static void lane(float[] part, int o, int q, int l, float x, float y) {
        int i = o + q * L + l;
        part[i] = Math.fma(x, y, part[i]);
    }

    private static FloatVector ld(float[] part, int o, int q) {
        return FloatVector.fromArray(S, part, o + q * L);
    }
}
