package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct GEMM for tiny problems, where packing and forking would cost more than the math: one row
 * of C at a time, a vector of columns at a time, each element as {@link SgemmScalar} computes it
 * (beta·C or zero, then fma over p ascending with alpha·A(i, p)), the order of the packed kernel.
 * Transposed B has no contiguous vector along n here, so it runs scalar (it is rare: small A*B^T
 * mostly goes to {@link SgemmDot}).
 */
final class SgemmSmall {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();

    private SgemmSmall() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (transB) {
            SgemmScalar.gemm(transA, true, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // A(i, p) = a[aOff + i*ai + p*ap]
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int arow = aOff + i * ai, crow = cOff + i * ldc;
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                FloatVector acc = beta == 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, c, crow + j, mask);
                if (beta != 0 && beta != 1) acc = acc.mul(beta);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(S, a[arow + p * ap] * alpha);
                    acc = x.fma(FloatVector.fromArray(S, b, bOff + p * ldb + j, mask), acc);
                }
                acc.intoArray(c, crow + j, mask);
            }
        }
    }
}
