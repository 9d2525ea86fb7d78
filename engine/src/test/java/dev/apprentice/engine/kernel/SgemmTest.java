package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.apprentice.engine.parallel.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** Sgemm against EJML in double precision, with error bounds scaled by k. */
class SgemmTest {
    /** Sizes around the vector length (16), the micro-tile (8 x 32), primes, and block edges. */
    private static final int[] DIMS = {1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 127, 128, 129, 143, 144};
    private static final int[] BIG = {255, 256, 257, 300, 521};

    /** One GEMM problem: operands with offsets and padded leading dimensions. */
    private record Case(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        static Case random(SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                           boolean padded, boolean nanC) {
            int lda = Math.max(1, ta ? m : k) + (padded ? r.nextInt(5) : 0);
            int ldb = Math.max(1, tb ? k : n) + (padded ? r.nextInt(5) : 0);
            int ldc = Math.max(1, n) + (padded ? r.nextInt(5) : 0);
            int aOff = padded ? r.nextInt(7) : 0, bOff = padded ? r.nextInt(7) : 0, cOff = padded ? r.nextInt(7) : 0;
            float[] a = fill(r, aOff + (long) (ta ? k : m) * lda + 3);
            float[] b = fill(r, bOff + (long) (tb ? n : k) * ldb + 3);
            float[] c = fill(r, cOff + (long) m * ldc + 3);
            if (nanC && beta == 0) Arrays.fill(c, Float.NaN); // beta = 0 must ignore C entirely
            return new Case(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float[] run() {
            float[] out = c.clone();
            Sgemm.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float av(int i, int p) { return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }

        float bv(int p, int j) { return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }

        /** Compares with EJML in double; error allowed: (k + 4) ulp-scale of |alpha||A||B| + |beta C|. */
        void check(float[] got) {
            DMatrixRMaj A = new DMatrixRMaj(m, k), B = new DMatrixRMaj(k, n), absA = new DMatrixRMaj(m, k), absB = new DMatrixRMaj(k, n);
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) { A.set(i, p, av(i, p)); absA.set(i, p, Math.abs(av(i, p))); }
            for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) { B.set(p, j, bv(p, j)); absB.set(p, j, Math.abs(bv(p, j))); }
            DMatrixRMaj ab = new DMatrixRMaj(m, n), bound = new DMatrixRMaj(m, n);
            CommonOps_DDRM.mult(A, B, ab);
            CommonOps_DDRM.mult(absA, absB, bound);
            double eps = Math.ulp(1f);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    double old = beta == 0 ? 0 : (double) beta * c[ci];
                    double want = alpha * ab.get(i, j) + old;
                    double tol = (k + 4) * eps * (Math.abs(alpha) * bound.get(i, j) + Math.abs(old)) + 1e-30;
                    if (!(Math.abs(got[ci] - want) <= tol)) {
                        fail(String.format("%s C[%d][%d] = %s, want %s (tol %.3g)", this, i, j, got[ci], want, tol));
                    }
                }
            }
            // Nothing outside the m x n window of C may change.
            boolean[] inside = new boolean[c.length];
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) inside[cOff + i * ldc + j] = true;
            for (int x = 0; x < c.length; x++) {
                if (!inside[x] && Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(got[x])) {
                    fail(this + ": wrote outside C at index " + x);
                }
            }
        }

        @Override
        public String toString() {
            return String.format("sgemm(ta=%b, tb=%b, m=%d, n=%d, k=%d, alpha=%s, beta=%s, offs=%d/%d/%d, ld=%d/%d/%d)",
                    ta, tb, m, n, k, alpha, beta, aOff, bOff, cOff, lda, ldb, ldc);
        }
    }

    private static float[] fill(SplittableRandom r, long size) {
        float[] x = new float[Math.toIntExact(size)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static final float[] ALPHAS = {1f, -0.5f, 2.5f};
    private static final float[] BETAS = {0f, 1f, -1.5f};

    @Test
    void randomShapesAllTransposes() {
        SplittableRandom r = new SplittableRandom(42);
        for (int t = 0; t < 400; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            int m = DIMS[r.nextInt(DIMS.length)], n = DIMS[r.nextInt(DIMS.length)], k = DIMS[r.nextInt(DIMS.length)];
            float alpha = ALPHAS[r.nextInt(ALPHAS.length)], beta = BETAS[r.nextInt(BETAS.length)];
            Case c = Case.random(r, ta, tb, m, n, k, alpha, beta, r.nextBoolean(), beta == 0 && r.nextBoolean());
            c.check(c.run());
        }
    }

    @Test
    void shapesCrossingBlockSizes() {
        SplittableRandom r = new SplittableRandom(7);
        for (int t = 0; t < 24; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            int m = pick(r, t % 3 == 0), n = pick(r, t % 3 == 1), k = pick(r, t % 3 == 2);
            Case c = Case.random(r, ta, tb, m, n, k, ALPHAS[t % 3], BETAS[(t / 3) % 3], true, true);
            c.check(c.run());
        }
        // More columns than one task's panel (NC) and a k deeper than several KC slices.
        for (boolean tb : new boolean[] {false, true}) {
            Case c = Case.random(r, false, tb, 9, Sgemm.NC + 37, 70, 1f, 0.5f, true, false);
            c.check(c.run());
            c = Case.random(r, true, tb, 17, 40, 3 * Sgemm.KC + 5, -1f, 0f, true, true);
            c.check(c.run());
        }
    }

    private static int pick(SplittableRandom r, boolean big) {
        return big ? BIG[r.nextInt(BIG.length)] : DIMS[r.nextInt(DIMS.length)];
    }

    /** Scaled-down versions of the shapes the im2col convolution of ResNet-20 issues. */
    @Test
    void convolutionShapes() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] shapes = {{16, 144, 784}, {32, 288, 196}, {64, 576, 49}}; // C, 9C, pixels
        for (int[] s : shapes) {
            int ch = s[0], k9 = s[1], px = s[2] * 2;
            Case fwd = Case.random(r, false, false, ch, px, k9, 1f, 0f, false, true);
            fwd.check(fwd.run());
            Case bwdData = Case.random(r, true, false, k9, px, ch, 1f, 0f, false, true);
            bwdData.check(bwdData.run());
            Case bwdW = Case.random(r, false, true, ch, k9, px, 1f, 1f, false, false);
            bwdW.check(bwdW.run());
        }
        Case fc = Case.random(r, false, true, 128, 10, 64, 1f, 0f, false, true);
        fc.check(fc.run());
        Case fcBack = Case.random(r, true, false, 10, 64, 128, 1f, 0f, false, true);
        fcBack.check(fcBack.run());
    }

    @Test
    void zeroSizes() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] s : new int[][] {{0, 5, 3}, {4, 0, 3}, {4, 5, 0}, {0, 0, 0}}) {
            for (float beta : BETAS) {
                Case c = Case.random(r, false, false, s[0], s[1], s[2], 1f, beta, true, beta == 0);
                float[] got = c.run();
                c.check(got);
            }
        }
        // alpha = 0 must not read A or B (NaNs there do not leak into C).
        float[] a = new float[12], b = new float[12], c = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Arrays.fill(a, Float.NaN);
        Arrays.fill(b, Float.NaN);
        Sgemm.sgemm(false, false, 3, 3, 4, 0f, a, 0, 4, b, 0, 3, 2f, c, 0, 3);
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12, 14, 16, 18}, c);
    }

    /** Shapes reaching every path: direct, dot, blocked (single task and forked). */
    private static Case[] pathCases() {
        SplittableRandom r = new SplittableRandom(11);
        return new Case[] {
            Case.random(r, false, false, 300, 333, 270, 1f, 0f, true, false),
            Case.random(r, true, true, 257, 301, 129, 1f, 1f, true, false),
            Case.random(r, false, true, 16, 144, 3000, 1f, 0f, true, false),
            Case.random(r, true, false, 144, 1000, 16, 1f, 0f, true, false),
            Case.random(r, false, false, 16, 1568, 144, 1f, 0f, true, false),
            Case.random(r, false, false, 20, 30, 40, 1f, 0.5f, true, false),
            // B shared by the threads: two column blocks (n > NC), two k-slices, beta scaled up front
            Case.random(r, false, true, 75, Sgemm.NC + 45, Sgemm.KC + 3, -0.5f, -1.5f, true, false),
        };
    }

    @Test
    void bitIdenticalAcrossCallsAndThreadCounts() {
        int saved = Parallel.threads();
        try {
            for (Case c : pathCases()) {
                Parallel.setThreads(2);
                float[] first = c.run();
                c.check(first);
                for (int rep = 0; rep < 3; rep++) assertBitEquals(first, c.run(), c + " repeated");
                Parallel.setThreads(1);
                assertBitEquals(first, c.run(), c + " with 1 thread vs 2");
                Parallel.setThreads(3);
                assertBitEquals(first, c.run(), c + " with 3 threads vs 2");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * Products with op(A) packed once ({@link Sgemm#pack}), with more rows than the column-only split
     * takes, so that the threads share each packed slice of B: against a double-precision loop, and
     * bit-identical for 1, 2 and 3 threads.
     */
    @Test
    void packedAAgainstReference() {
        SplittableRandom r = new SplittableRandom(13);
        int m = 150, k = Sgemm.KC + 9, n = 333;
        float[] a = fill(r, (long) m * k), b = fill(r, (long) k * n);
        int saved = Parallel.threads();
        try {
            float[][] byThreads = new float[3][];
            for (int t = 1; t <= 3; t++) {
                Parallel.setThreads(t);
                float[] c = fill(new SplittableRandom(1), (long) m * n);
                Sgemm.sgemm(Sgemm.pack(false, m, k, a, 0, k), false, n, b, 0, n, 1f, c, 0, n);
                byThreads[t - 1] = c;
            }
            float[] c0 = fill(new SplittableRandom(1), (long) m * n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double want = c0[i * n + j], bound = Math.abs(want);
                    for (int p = 0; p < k; p++) {
                        double prod = (double) a[i * k + p] * b[p * n + j];
                        want += prod;
                        bound += Math.abs(prod);
                    }
                    assertEquals(want, byThreads[1][i * n + j], (k + 4) * Math.ulp(1f) * bound, "packed C[" + i + "][" + j + "]");
                }
            }
            assertBitEquals(byThreads[1], byThreads[0], "packed A with 1 thread vs 2");
            assertBitEquals(byThreads[1], byThreads[2], "packed A with 3 threads vs 2");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * Every vector path against the scalar twin: the blocked and the tiny-product paths compute each
     * element as one fma chain from beta·C (alpha folded into A), exactly as {@link SgemmScalar}, so
     * they must agree bit for bit, at this JVM's width, for all transposes, ragged edges, several
     * k-slices and alpha/beta; the dot-product path sums in lanes, so it agrees to rounding.
     */
    @Test
    void matchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(23);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {10, 64, 128}, {42, 52, Sgemm.KC + 40}, {130, 200, 100}, {9, 70, 2 * Sgemm.KC + 3},
                {64, 49, 288}, {5, 300, 600}};
        float[][] ab = {{1f, 0f}, {1f, 1f}, {-0.5f, 0.25f}};
        for (int[] sh : shapes)
            for (int t = 0; t < 4; t++)
                for (float[] coef : ab) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int m = sh[0], n = sh[1], k = sh[2];
                    float[] a = fill(r, (long) m * k), b = fill(r, (long) k * n), start = fill(r, (long) m * n);
                    float[] c = start.clone(), twin = start.clone();
                    Sgemm.sgemm(ta, tb, m, n, k, coef[0], a, 0, ta ? m : k, b, 0, tb ? k : n, coef[1], c, 0, n);
                    SgemmScalar.gemm(ta, tb, m, n, k, coef[0], a, 0, ta ? m : k, b, 0, tb ? k : n, coef[1], twin, 0, n);
                    String what = m + "x" + n + "x" + k + (ta ? "tA" : "") + (tb ? "tB" : "") + " alpha " + coef[0] + " beta " + coef[1];
                    boolean dotPath = tb && !ta && (m <= 64 || n <= 64) && k >= Sgemm.DOT_MIN_K && SgemmDot.APPLIES;
                    if (!dotPath) assertBitEquals(twin, c, what);
                    else for (int i = 0; i < c.length; i++) assertEquals(twin[i], c[i], 2e-6f * k, what + " at " + i);
                }
        float[] a = fill(r, 37L * 520), b = fill(r, 520L * 45), c = new float[37 * 45], twin = new float[37 * 45];
        Sgemm.PackedA packed = Sgemm.pack(false, 37, 520, a, 0, 520);
        Sgemm.sgemm(packed, false, 45, b, 0, 45, 0f, c, 0, 45);
        SgemmScalar.packed(packed, false, 45, b, 0, 45, 0f, twin, 0, 45);
        assertBitEquals(twin, c, "packed A");
    }

    @Test
    void blockedPathIsOneFmaChainPerElement() {
        SplittableRandom r = new SplittableRandom(17);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            // n: ragged last 32-column panels holding 1, 20 and 9 columns
            int[] ns = {97, 52, 41, 97, 52};
            int[] ks = {Sgemm.KC - 1, Sgemm.KC, Sgemm.KC + 1, 2 * Sgemm.KC + 7, 3 * Sgemm.KC - 5};
            for (int t = 0; t < ks.length; t++) {
                int k = ks[t], n = ns[t];
                for (boolean ta : new boolean[] {false, true}) {
                    // m = 70 ends in a 6-row panel (the full-height edge kernel), 66 in a 2-row one (the half-height)
                    Case c = Case.random(r, ta, false, ta ? 70 : 66, n, k, 1f, 0f, true, true);
                    float[] got = c.run();
                    for (int i = 0; i < c.m; i++) {
                        for (int j = 0; j < c.n; j++) {
                            float acc = 0f;
                            for (int p = 0; p < k; p++) acc = Math.fma(c.av(i, p), c.bv(p, j), acc);
                            float g = got[c.cOff + i * c.ldc + j];
                            if (Float.floatToRawIntBits(acc) != Float.floatToRawIntBits(g)) {
                                fail(c + " C[" + i + "][" + j + "] = " + g + ", one FMA chain gives " + acc);
                            }
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void slicesAreAtMostKcDeepAndEven() {
        for (int k : new int[] {1, 7, Sgemm.KC - 1, Sgemm.KC, Sgemm.KC + 1, 576, 2 * Sgemm.KC, 3 * Sgemm.KC + 5, 4608}) {
            int depth = Sgemm.sliceDepth(k), slices = (k + depth - 1) / depth;
            assertTrue(depth <= Sgemm.KC, "k=" + k + ": slice depth " + depth + " exceeds " + Sgemm.KC);
            assertEquals((k + Sgemm.KC - 1) / Sgemm.KC, slices, "k=" + k + ": more slices than KC requires");
            int last = k - (slices - 1) * depth;
            assertTrue(last > 0 && last >= depth - slices, "k=" + k + ": last slice " + last + " of depth " + depth);
        }
    }

    private static void assertBitEquals(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": differs at index " + i + ": " + want[i] + " vs " + got[i]);
            }
        }
    }

    @Test
    void badArgumentsThrow() {
        float[] x = new float[100];
        assertBad(() -> Sgemm.sgemm(false, false, -1, 2, 2, 1, x, 0, 2, x, 0, 2, 0, x, 0, 2), "negative");
        assertBad(() -> Sgemm.sgemm(false, false, 2, 2, -3, 1, x, 0, 2, x, 0, 2, 0, x, 0, 2), "negative");
        assertBad(() -> Sgemm.sgemm(false, false, 4, 4, 5, 1, x, 0, 4, x, 0, 4, 0, x, 0, 4), "leading dimension of A");
        assertBad(() -> Sgemm.sgemm(true, false, 5, 4, 4, 1, x, 0, 4, x, 0, 4, 0, x, 0, 5), "leading dimension of A");
        assertBad(() -> Sgemm.sgemm(false, true, 4, 5, 4, 1, x, 0, 4, x, 0, 3, 0, x, 0, 5), "leading dimension of B");
        assertBad(() -> Sgemm.sgemm(false, false, 4, 5, 4, 1, x, 0, 4, x, 0, 5, 0, x, 0, 4), "leading dimension of C");
        assertBad(() -> Sgemm.sgemm(false, false, 10, 10, 10, 1, x, 1, 10, x, 0, 10, 0, x, 0, 10), "A (10 x 10");
        assertBad(() -> Sgemm.sgemm(false, false, 5, 5, 5, 1, x, 0, 5, new float[24], 0, 5, 0, x, 0, 5), "B (5 x 5");
        assertBad(() -> Sgemm.sgemm(false, false, 5, 5, 5, 1, x, 0, 5, x, 0, 5, 0, x, 80, 5), "C (5 x 5");
        assertBad(() -> Sgemm.sgemm(false, false, 2, 2, 2, 1, x, -1, 2, x, 0, 2, 0, x, 0, 2), "negative offset");
        assertBad(() -> Sgemm.sgemm(false, false, 2, 2, 2, 1, null, 0, 2, x, 0, 2, 0, x, 0, 2), "null");
    }

    private static void assertBad(Runnable call, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    }

    @Test
    void knownSmallProduct() {
        float[] a = {1, 2, 3, 4, 5, 6};          // 2 x 3
        float[] b = {7, 8, 9, 10, 11, 12};       // 3 x 2
        float[] c = new float[4];
        Sgemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
        assertEquals(4, c.length);
    }
}
