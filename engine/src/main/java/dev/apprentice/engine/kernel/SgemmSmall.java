package dev.apprentice.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct GEMM for tiny problems, where packing and forking would cost more than the math: one row
 * of C at a time, 16 columns per vector, sums over p ascending (the same order as the packed
 * kernel). Transposed B has no contiguous vector along n here, so it runs scalar (it is rare:
 * small A*B^T mostly goes to {@link SgemmDot}).
 */
final class SgemmSmall {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = 16;

    private SgemmSmall() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        // A(i, p) = a[aOff + i*ai + p*ap]
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int arow = aOff + i * ai, crow = cOff + i * ldc;
            if (transB) {
                for (int j = 0; j < n; j++) {
                    float s = 0f;
                    int bj = bOff + j * ldb;
                    for (int p = 0; p < k; p++) s = Math.fma(a[arow + p * ap], b[bj + p], s);
                    store(s, alpha, beta, c, crow + j);
                }
                continue;
            }
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(S, a[arow + p * ap]);
                    acc = x.fma(FloatVector.fromArray(S, b, bOff + p * ldb + j, mask), acc);
                }
                FloatVector r = acc.mul(alpha);
                if (beta != 0) {
                    r = acc.fma(FloatVector.broadcast(S, alpha),
                            FloatVector.fromArray(S, c, crow + j, mask).mul(beta));
                }
                r.intoArray(c, crow + j, mask);
            }
        }
    }

    private static void store(float s, float alpha, float beta, float[] c, int ci) {
        c[ci] = beta == 0 ? s * alpha : Math.fma(s, alpha, c[ci] * beta);
    }
}
