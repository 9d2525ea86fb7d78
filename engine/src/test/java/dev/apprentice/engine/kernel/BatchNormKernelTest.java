package dev.apprentice.engine.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static dev.apprentice.engine.kernel.Conv2dKernelTest.assertMessage;
import static dev.apprentice.engine.kernel.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class BatchNormKernelTest {
    private static final float EPS = 1e-5f, MOMENTUM = 0.1f;

    /** Per-channel batch statistics in double: {mean, biased variance}. */
    private static double[][] stats(int batch, int channels, int hw, float[] x) {
        double[] mean = new double[channels], var = new double[channels];
        int count = batch * hw;
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < batch; n++) for (int i = 0; i < hw; i++) mean[c] += x[(n * channels + c) * hw + i];
            mean[c] /= count;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) {
                    double d = x[(n * channels + c) * hw + i] - mean[c];
                    var[c] += d * d;
                }
            var[c] /= count;
        }
        return new double[][] {mean, var};
    }

    private static float[] shifted(Random rng, int n, float scale, float offset) {
        float[] a = random(rng, n);
        for (int i = 0; i < n; i++) a[i] = a[i] * scale + offset;
        return a;
    }

    @ParameterizedTest
    @CsvSource({"2, 3, 5", "4, 16, 49", "5, 4, 1", "1, 2, 9", "3, 1, 784"})
    void trainingForwardMatchesReference(int batch, int channels, int hw) {
        Random rng = new Random(21);
        float[] x = shifted(rng, batch * channels * hw, 3f, 2f), gamma = random(rng, channels), beta = random(rng, channels);
        float[] rm = random(rng, channels), rv = shifted(rng, channels, 0.1f, 1f), rm0 = rm.clone(), rv0 = rv.clone();
        float[] y = random(rng, x.length), mean = new float[channels], invStd = new float[channels];
        BatchNormKernel.forwardTrain(batch, channels, hw, x, gamma, beta, EPS, MOMENTUM, rm, rv, y, mean, invStd);

        double[][] s = stats(batch, channels, hw, x);
        int count = batch * hw;
        double[] yRef = new double[x.length], yMag = new double[x.length];
        for (int c = 0; c < channels; c++) {
            double inv = 1 / Math.sqrt(s[1][c] + EPS), scale = gamma[c] * inv;
            assertEquals(s[0][c], mean[c], 1e-6 * (Math.abs(s[0][c]) + Math.sqrt(s[1][c])), "mean " + c);
            assertEquals(inv, invStd[c], 1e-6 * inv, "invStd " + c);
            assertEquals(0.9 * rm0[c] + 0.1 * s[0][c], rm[c], 1e-6 * (Math.abs(rm0[c]) + Math.abs(s[0][c])), "runningMean " + c);
            double unbiased = s[1][c] * count / (count - 1);
            assertEquals(0.9 * rv0[c] + 0.1 * unbiased, rv[c], 1e-6 * (rv0[c] + unbiased), "runningVar " + c);
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) {
                    int j = (n * channels + c) * hw + i;
                    yRef[j] = (x[j] - s[0][c]) * scale + beta[c];
                    yMag[j] = Math.abs(x[j] * scale) + Math.abs(s[0][c] * scale) + Math.abs(beta[c]);
                }
        }
        assertClose("y", yRef, yMag, y, 16);
    }

    @Test
    void statisticsStayAccurateForLargeCountsAndOffsets() {
        int batch = 4, channels = 2, hw = 25_000; // 100k values per channel, mean 1000 ≫ std 0.5
        float[] x = shifted(new Random(22), batch * channels * hw, 0.5f, 1000f);
        float[] y = new float[x.length], mean = new float[channels], invStd = new float[channels];
        BatchNormKernel.forwardTrain(batch, channels, hw, x, null, null, 0f, MOMENTUM, null, null, y, mean, invStd);
        double[][] s = stats(batch, channels, hw, x);
        for (int c = 0; c < channels; c++) {
            assertEquals(s[0][c], mean[c], Math.ulp(1000f), "mean " + c);
            assertEquals(1 / Math.sqrt(s[1][c]), invStd[c], 2e-6 / Math.sqrt(s[1][c]), "invStd " + c);
        }
    }

    @Test
    void nullAffineAndRunningStatsAreOptional() {
        Random rng = new Random(23);
        float[] x = random(rng, 2 * 3 * 4), y = new float[x.length], y1 = new float[x.length];
        float[] ones = {1, 1, 1}, zeros = {0, 0, 0}, m = new float[3], v = new float[3];
        BatchNormKernel.forwardTrain(2, 3, 4, x, null, null, EPS, MOMENTUM, null, null, y, m, v);
        BatchNormKernel.forwardTrain(2, 3, 4, x, ones, zeros, EPS, MOMENTUM, null, null, y1, null, null);
        assertArrayEquals(y1, y);
    }

    @Test
    void evalForwardUsesRunningStatistics() {
        Random rng = new Random(24);
        int batch = 3, channels = 4, hw = 10;
        float[] x = random(rng, batch * channels * hw), gamma = random(rng, channels), beta = random(rng, channels);
        float[] rm = random(rng, channels), rv = shifted(rng, channels, 0.2f, 1f), y = random(rng, x.length);
        BatchNormKernel.forwardEval(batch, channels, hw, x, gamma, beta, EPS, rm, rv, y);
        double[] yRef = new double[x.length], yMag = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            int c = (j / hw) % channels;
            double scale = gamma[c] / Math.sqrt((double) rv[c] + EPS);
            yRef[j] = (x[j] - rm[c]) * scale + beta[c];
            yMag[j] = Math.abs(x[j] * scale) + Math.abs(rm[c] * scale) + Math.abs(beta[c]);
        }
        assertClose("y", yRef, yMag, y, 16);
    }

    @ParameterizedTest
    @CsvSource({"2, 3, 5", "4, 16, 49", "7, 2, 1"})
    void backwardMatchesDoublePrecisionDerivation(int batch, int channels, int hw) {
        Random rng = new Random(25);
        int size = batch * channels * hw, count = batch * hw;
        float[] x = shifted(rng, size, 2f, -1f), dy = random(rng, size), gamma = random(rng, channels);
        float[] mean = new float[channels], invStd = new float[channels], y = new float[size];
        BatchNormKernel.forwardTrain(batch, channels, hw, x, gamma, null, EPS, MOMENTUM, null, null, y, mean, invStd);
        float[] dx = random(rng, size), dgamma = random(rng, channels), dbeta = random(rng, channels);
        float[] dx0 = dx.clone(), dg0 = dgamma.clone();
        double[] dxRef = new double[size], dxMag = new double[size];
        double[] dgRef = new double[channels], dgMag = new double[channels], dbRef = new double[channels], dbMag = new double[channels];
        for (int c = 0; c < channels; c++) {
            double inv = invStd[c], sdy = 0, sdyAbs = 0, sdyx = 0, sdyxAbs = 0;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) {
                    int j = (n * channels + c) * hw + i;
                    double xhat = (x[j] - (double) mean[c]) * inv;
                    sdy += dy[j];
                    sdyAbs += Math.abs(dy[j]);
                    sdyx += dy[j] * xhat;
                    sdyxAbs += Math.abs(dy[j] * xhat);
                }
            dbRef[c] = dbeta[c] + sdy;
            dbMag[c] = Math.abs(dbeta[c]) + sdyAbs;
            dgRef[c] = dgamma[c] + sdyx;
            dgMag[c] = Math.abs(dgamma[c]) + sdyxAbs;
            double gi = Math.abs(gamma[c] * inv);
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) {
                    int j = (n * channels + c) * hw + i;
                    double xhat = (x[j] - (double) mean[c]) * inv;
                    dxRef[j] = dx[j] + gamma[c] * inv * (dy[j] - sdy / count - xhat * sdyx / count);
                    dxMag[j] = Math.abs(dx[j]) + gi * (Math.abs(dy[j]) + sdyAbs / count + Math.abs(xhat) * sdyxAbs / count);
                }
        }
        BatchNormKernel.backward(batch, channels, hw, x, dy, gamma, mean, invStd, dx, dgamma, dbeta);
        assertClose("dx", dxRef, dxMag, dx, count + 1);
        assertClose("dgamma", dgRef, dgMag, dgamma, count + 1);
        assertClose("dbeta", dbRef, dbMag, dbeta, count + 1);

        // Each output is optional; asked alone, dx and dgamma equal the increments above.
        float[] dxOnly = new float[size], dgOnly = new float[channels];
        BatchNormKernel.backward(batch, channels, hw, x, dy, gamma, mean, invStd, dxOnly, null, null);
        BatchNormKernel.backward(batch, channels, hw, x, dy, gamma, mean, invStd, null, dgOnly, null);
        for (int j = 0; j < size; j++) dxRef[j] -= dx0[j];
        for (int c = 0; c < channels; c++) dgRef[c] -= dg0[c];
        assertClose("dx alone", dxRef, dxMag, dxOnly, count + 1);
        assertClose("dgamma alone", dgRef, dgMag, dgOnly, count + 1);
    }

    /** Central differences of L = Σ r·y(x, γ, β) through the kernel's own training forward. */
    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(26);
        int batch = 3, channels = 2, hw = 4, size = batch * channels * hw;
        float[] x = shifted(rng, size, 1.5f, 0.3f), gamma = shifted(rng, channels, 0.5f, 1f), beta = random(rng, channels);
        float[] r = random(rng, size);
        float[] mean = new float[channels], invStd = new float[channels], y = new float[size];
        BatchNormKernel.forwardTrain(batch, channels, hw, x, gamma, beta, EPS, MOMENTUM, null, null, y, mean, invStd);
        float[] dx = new float[size], dgamma = new float[channels], dbeta = new float[channels];
        BatchNormKernel.backward(batch, channels, hw, x, r, gamma, mean, invStd, dx, dgamma, dbeta);

        float h = 1e-2f;
        for (int i = 0; i < size; i++) assertEquals(numeric(x, i, h, x, gamma, beta, r), dx[i], 2e-3, "dx " + i);
        for (int c = 0; c < channels; c++) {
            assertEquals(numeric(gamma, c, h, x, gamma, beta, r), dgamma[c], 2e-3, "dgamma " + c);
            assertEquals(numeric(beta, c, h, x, gamma, beta, r), dbeta[c], 2e-3, "dbeta " + c);
        }
    }

    private static double numeric(float[] param, int i, float h, float[] x, float[] gamma, float[] beta, float[] r) {
        float saved = param[i];
        param[i] = saved + h;
        double plus = loss(x, gamma, beta, r);
        param[i] = saved - h;
        double minus = loss(x, gamma, beta, r);
        param[i] = saved;
        return (plus - minus) / (2.0 * h);
    }

    private static double loss(float[] x, float[] gamma, float[] beta, float[] r) {
        float[] y = new float[x.length];
        BatchNormKernel.forwardTrain(3, 2, 4, x, gamma, beta, EPS, MOMENTUM, null, null, y, null, null);
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) r[i] * y[i];
        return l;
    }

    @Test
    void badArgumentsAreRejected() {
        float[] x = new float[24], c3 = new float[3];
        assertMessage("more than 1 value per channel",
                () -> BatchNormKernel.forwardTrain(1, 3, 1, c3, null, null, EPS, MOMENTUM, null, null, new float[3], null, null));
        assertMessage("x has length 24, expected 30",
                () -> BatchNormKernel.forwardTrain(2, 3, 5, x, null, null, EPS, MOMENTUM, null, null, new float[30], null, null));
        assertMessage("gamma has length 2, expected 3",
                () -> BatchNormKernel.forwardTrain(2, 3, 4, x, new float[2], null, EPS, MOMENTUM, null, null, new float[24], null, null));
        assertMessage("runningVar has length",
                () -> BatchNormKernel.forwardTrain(2, 3, 4, x, null, null, EPS, MOMENTUM, c3, new float[4], new float[24], null, null));
        assertMessage("eps must be finite",
                () -> BatchNormKernel.forwardTrain(2, 3, 4, x, null, null, -1f, MOMENTUM, null, null, new float[24], null, null));
        assertMessage("runningMean must not be null",
                () -> BatchNormKernel.forwardEval(2, 3, 4, x, null, null, EPS, null, c3, new float[24]));
        assertMessage("saveInvStd must not be null",
                () -> BatchNormKernel.backward(2, 3, 4, x, x, null, c3, null, new float[24], null, null));
        assertMessage("dx has length", () -> BatchNormKernel.backward(2, 3, 4, x, x, null, c3, c3, new float[3], null, null));
        assertMessage("channels must be positive", () -> BatchNormKernel.forwardEval(2, 0, 4, x, null, null, EPS, c3, c3, x));
    }

    @Test
    void resultsAreIdenticalAcrossRunsAndThreadCounts() {
        Random rng = new Random(27);
        int batch = 8, channels = 5, hw = 37, size = batch * channels * hw;
        float[] x = shifted(rng, size, 2f, 1f), dy = random(rng, size), gamma = random(rng, channels), beta = random(rng, channels);
        java.util.function.Supplier<float[][]> run = () -> {
            float[] y = new float[size], m = new float[channels], v = new float[channels], rm = new float[channels];
            float[] rv = new float[channels], dx = new float[size], dg = new float[channels], db = new float[channels];
            BatchNormKernel.forwardTrain(batch, channels, hw, x, gamma, beta, EPS, MOMENTUM, rm, rv, y, m, v);
            BatchNormKernel.backward(batch, channels, hw, x, dy, gamma, m, v, dx, dg, db);
            float[] ye = new float[size];
            BatchNormKernel.forwardEval(batch, channels, hw, x, gamma, beta, EPS, rm, rv, ye);
            return new float[][] {y, m, v, rm, rv, dx, dg, db, ye};
        };
        float[][] one = withThreads(1, run), two = withThreads(2, run), again = withThreads(2, run);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "1 vs 2 threads, output " + i);
            assertArrayEquals(two[i], again[i], "repeat, output " + i);
        }
    }
}
