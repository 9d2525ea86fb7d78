package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Random data, tolerance checks and thread-count switching shared by the kernel tests. */
final class KernelTestSupport {
    /** Unit roundoff of float32. */
    static final double U = Math.ulp(1f) / 2;

    private KernelTestSupport() {}

    static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    static float[] copy(float[] a) {
        return a == null ? null : a.clone();
    }

    /**
     * Asserts actual[i] ≈ expected[i], where magnitude[i] is Σ|terms| of the reference sum and
     * terms the number of terms: a float sum of that many terms is off by ~√terms·u·Σ|terms|
     * (worst case terms·u), so the bound is a generous multiple of the typical error.
     */
    static void assertClose(String what, double[] expected, double[] magnitude, float[] actual, int terms) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " != " + expected.length);
        double factor = (8 * Math.sqrt(terms) + 8) * U;
        for (int i = 0; i < expected.length; i++) {
            double tol = factor * magnitude[i] + 1e-30;
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= tol))
                fail(String.format("%s[%d]: expected %.9g, got %.9g (error %.3g > tolerance %.3g, magnitude %.3g)",
                        what, i, expected[i], (double) actual[i], err, tol, magnitude[i]));
        }
    }

    /** Runs body with the given thread count, restoring the previous one afterwards. */
    static <T> T withThreads(int threads, Supplier<T> body) {
        int old = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return body.get();
        } finally {
            Parallel.setThreads(old);
        }
    }
}
