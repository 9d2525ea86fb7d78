package dev.apprentice.engine.kernel;

/**
 * Single-precision GEMM, row-major: C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k
 * and op(B) is k x n. With transA, A is stored k x m (row stride lda >= m); without, m x k
 * (lda >= k). Likewise B: transB means n x k storage. beta = 0 overwrites C (NaNs in C ignored).
 *
 * PLACEHOLDER: a plain triple loop until the packed Vector API kernel lands; the signature is final.
 */
public final class Sgemm {
    private Sgemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? alpha * s : alpha * s + beta * c[ci];
            }
        }
    }
}
