package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link Sgemm}: the same products in Java scalars, each element computed as
 * the blocked path computes it (C, scaled by beta, or zero when beta = 0; then one fma per p in
 * ascending order with alpha·A(i, p)), so the blocked path is tested against it bit for bit. It
 * runs every product where the JVM compiles no vector code.
 */
public final class SgemmScalar {
    private SgemmScalar() {}

    /** C = alpha·op(A)·op(B) + beta·C, row-major, as {@link Sgemm#sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        int ai = transA ? 1 : lda, ap = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int crow = cOff + i * ldc;
            start(beta, c, crow, n);
            if (alpha == 0) continue;
            for (int p = 0; p < k; p++) {
                float x = a[aOff + i * ai + p * ap] * alpha;
                if (transB) for (int j = 0; j < n; j++) c[crow + j] = Math.fma(x, b[bOff + j * ldb + p], c[crow + j]);
                else addRow(x, b, bOff + p * ldb, c, crow, n);
            }
        }
    }

    /** C = A·op(B) + beta·C with A as {@link Sgemm#pack} laid it out (its panels read in place). */
    public static void packed(Sgemm.PackedA a, boolean transB, int n, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int m = a.m, k = a.k, depth = Sgemm.sliceDepth(k), mr = SgemmMicroKernel.MR;
        for (int i = 0; i < m; i++) {
            int crow = cOff + i * ldc, panel = i / mr * mr;
            start(beta, c, crow, n);
            for (int p0 = 0; p0 < k; p0 += depth) {
                int kc = Math.min(depth, k - p0), base = a.offset(p0, kc, panel) + i - panel;
                for (int p = 0; p < kc; p++) {
                    float x = a.panels[base + p * mr];
                    if (transB) for (int j = 0; j < n; j++) c[crow + j] = Math.fma(x, b[bOff + j * ldb + p0 + p], c[crow + j]);
                    else addRow(x, b, bOff + (p0 + p) * ldb, c, crow, n);
                }
            }
        }
    }

    /** c[crow, crow + n) = beta·c (zero when beta = 0, whatever it held). */
    private static void start(float beta, float[] c, int crow, int n) {
        if (beta == 0) java.util.Arrays.fill(c, crow, crow + n, 0f);
        else if (beta != 1) for (int j = 0; j < n; j++) c[crow + j] *= beta;
    }

    private static void addRow(float x, float[] b, int bRow, float[] c, int crow, int n) {
        for (int j = 0; j < n; j++) c[crow + j] = Math.fma(x, b[bRow + j], c[crow + j]);
    }

    /** y[yOff + i] = Σ_j A[aOff + i·lda + j]·x[xOff + j], one fma chain per row, as {@link Sgemv#sgemv} (whose lanes sum in another order). */
    public static void gemv(int m, int k, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < m; i++) y[yOff + i] = dot(0f, a, aOff + i * lda, x, xOff, 0, k);
    }

    /** s + Σ a[aOff + j]·x[xOff + j] for j in [from, to), as fma in order. */
    static float dot(float s, float[] a, int aOff, float[] x, int xOff, int from, int to) {
        for (int j = from; j < to; j++) s = Math.fma(a[aOff + j], x[xOff + j], s);
        return s;
    }
}
