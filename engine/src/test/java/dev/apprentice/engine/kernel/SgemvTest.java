package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SgemvTest {

    /** Shapes around the 16-lane vector and 64-wide unrolled step, primes, and a long row. */
    @Test
    void matchesDoublePrecisionDotProducts() {
        Random rng = new Random(11);
        int[][] shapes = {{1, 1}, {3, 7}, {5, 15}, {17, 16}, {9, 63}, {31, 64}, {13, 65}, {7, 127}, {257, 129}, {64, 4099}, {3, 20000}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], lda = k + (m % 3);
            float[] a = KernelTestSupport.random(rng, m * lda + 5);
            float[] x = KernelTestSupport.random(rng, k + 2);
            float[] y = new float[m + 3];
            Sgemv.sgemv(m, k, a, 5, lda, x, 2, y, 3);
            double[] expected = new double[m], magnitude = new double[m];
            float[] actual = new float[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    double t = (double) a[5 + i * lda + j] * x[2 + j];
                    expected[i] += t;
                    magnitude[i] += Math.abs(t);
                }
                actual[i] = y[3 + i];
            }
            KernelTestSupport.assertClose("sgemv " + m + "x" + k, expected, magnitude, actual, k);
            assertEquals(0f, y[0]);
            float[] twin = new float[m];
            SgemmScalar.gemv(m, k, a, 5, lda, x, 2, twin, 0);
            KernelTestSupport.assertClose("the scalar twin, " + m + "x" + k, expected, magnitude, twin, k);
        }
    }

    @Test
    void sameBitsForAnyThreadCount() {
        Random rng = new Random(3);
        int m = 1000, k = 999;
        float[] a = KernelTestSupport.random(rng, m * k), x = KernelTestSupport.random(rng, k);
        float[] one = new float[m], two = new float[m];
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Sgemv.sgemv(m, k, a, 0, k, x, 0, one, 0);
            Parallel.setThreads(2);
            Sgemv.sgemv(m, k, a, 0, k, x, 0, two, 0);
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(one, two);
    }

    @Test
    void rejectsArraysTooSmall() {
        float[] a = new float[10], x = new float[5], y = new float[2];
        assertThrows(IllegalArgumentException.class, () -> Sgemv.sgemv(2, 5, a, 1, 5, x, 0, y, 0));
        assertThrows(IllegalArgumentException.class, () -> Sgemv.sgemv(2, 5, a, 0, 5, x, 1, y, 0));
        assertThrows(IllegalArgumentException.class, () -> Sgemv.sgemv(3, 3, a, 0, 3, new float[3], 0, y, 0));
    }
}
