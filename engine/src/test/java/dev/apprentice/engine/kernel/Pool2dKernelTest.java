package dev.apprentice.engine.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static dev.apprentice.engine.kernel.Conv2dKernelTest.assertMessage;
import static dev.apprentice.engine.kernel.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class Pool2dKernelTest {

    static Stream<PoolGeometry> geometries() {
        return Stream.of(
                PoolGeometry.of(1, 1, 4, 4, 2, 2, 0),
                PoolGeometry.of(3, 5, 7, 7, 2, 2, 0),                 // odd size: last row/column dropped
                PoolGeometry.of(2, 3, 9, 8, 3, 2, 1),                 // ResNet stem style, padded
                PoolGeometry.of(2, 3, 6, 6, 3, 1, 1),                 // overlapping windows
                PoolGeometry.of(1, 16, 5, 5, 5, 1, 2),                // heavy padding
                new PoolGeometry(3, 2, 7, 10, 2, 3, 1, 3, 1, 1),      // non-square kernel/stride
                new PoolGeometry(2, 1, 11, 5, 3, 2, 3, 2, 0, 1));
    }

    /** Window of output (plane, r, q) clipped to the image: {hLo, hHi, wLo, wHi}. */
    private static int[] window(PoolGeometry g, int r, int q) {
        int h0 = r * g.strideH() - g.padH(), w0 = q * g.strideW() - g.padW();
        return new int[] {Math.max(h0, 0), Math.min(h0 + g.kernelH(), g.inH()), Math.max(w0, 0), Math.min(w0 + g.kernelW(), g.inW())};
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void maxPoolingMatchesReference(PoolGeometry g) {
        Random rng = new Random(11);
        float[] x = random(rng, g.inputSize());
        for (int i = 0; i < x.length; i++) x[i] = -Math.abs(x[i]) - 1; // all negative: zero padding would win
        float[] y = random(rng, g.outputSize());
        int[] arg = new int[g.outputSize()];
        Pool2dKernel.maxForward(g, x, y, arg);

        float[] dy = random(rng, g.outputSize()), dx = random(rng, g.inputSize());
        double[] dxRef = new double[dx.length], mag = new double[dx.length];
        for (int i = 0; i < dx.length; i++) {
            dxRef[i] = dx[i];
            mag[i] = Math.abs(dx[i]);
        }
        int oh = g.outH(), ow = g.outW(), hw = g.inH() * g.inW(), yi = 0, maxHits = 1;
        int[] hits = new int[dx.length];
        for (int plane = 0; plane < g.batch() * g.channels(); plane++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++, yi++) {
                    int[] win = window(g, r, q);
                    int best = -1;
                    for (int ih = win[0]; ih < win[1]; ih++)
                        for (int iw = win[2]; iw < win[3]; iw++) {
                            int xi = plane * hw + ih * g.inW() + iw;
                            if (best < 0 || x[xi] > x[best]) best = xi;
                        }
                    assertEquals(best, arg[yi], "argmax " + yi);
                    assertEquals(x[best], y[yi], "max " + yi);
                    dxRef[best] += dy[yi];
                    mag[best] += Math.abs(dy[yi]);
                    maxHits = Math.max(maxHits, ++hits[best]);
                }
        Pool2dKernel.maxBackward(g, dy, arg, dx);
        assertClose("dx", dxRef, mag, dx, maxHits + 1);
    }

    @Test
    void maxTiesGoToFirstInRowMajorWindowOrder() {
        PoolGeometry g = PoolGeometry.of(1, 1, 4, 4, 2, 2, 0);
        float[] x = new float[16];
        Arrays.fill(x, 3f);
        float[] y = new float[4];
        int[] arg = new int[4];
        Pool2dKernel.maxForward(g, x, y, arg);
        assertArrayEquals(new int[] {0, 2, 8, 10}, arg);
        // Overlapping windows sharing one maximum: its gradient is the sum of both outputs.
        PoolGeometry ov = new PoolGeometry(1, 1, 1, 3, 1, 2, 1, 1, 0, 0);
        float[] x3 = {1f, 5f, 2f}, y2 = new float[2], dx = new float[3];
        int[] a2 = new int[2];
        Pool2dKernel.maxForward(ov, x3, y2, a2);
        assertArrayEquals(new int[] {1, 1}, a2);
        Pool2dKernel.maxBackward(ov, new float[] {0.5f, 0.25f}, a2, dx);
        assertArrayEquals(new float[] {0f, 0.75f, 0f}, dx);
    }

    @Test
    void maxPropagatesNaN() {
        PoolGeometry g = PoolGeometry.of(1, 1, 2, 2, 2, 2, 0);
        float[] y = new float[1];
        int[] arg = new int[1];
        Pool2dKernel.maxForward(g, new float[] {1f, Float.NaN, 7f, Float.NaN}, y, arg);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(1, arg[0]);
    }

    @Test
    void maxBackwardRejectsArgmaxOutsideItsPlane() {
        PoolGeometry g = PoolGeometry.of(2, 1, 2, 2, 2, 2, 0);
        assertMessage("outside its input plane", () -> Pool2dKernel.maxBackward(g, new float[2], new int[] {0, 0}, new float[8]));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void averagePoolingMatchesReference(PoolGeometry g) {
        Random rng = new Random(12);
        float[] x = random(rng, g.inputSize()), y = random(rng, g.outputSize());
        float[] dy = random(rng, g.outputSize()), dx = random(rng, g.inputSize());
        double[] yRef = new double[y.length], yMag = new double[y.length];
        double[] dxRef = new double[dx.length], dxMag = new double[dx.length];
        for (int i = 0; i < dx.length; i++) {
            dxRef[i] = dx[i];
            dxMag[i] = Math.abs(dx[i]);
        }
        int oh = g.outH(), ow = g.outW(), hw = g.inH() * g.inW(), yi = 0, k = g.kernelH() * g.kernelW();
        for (int plane = 0; plane < g.batch() * g.channels(); plane++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++, yi++) {
                    int[] win = window(g, r, q);
                    for (int ih = win[0]; ih < win[1]; ih++)
                        for (int iw = win[2]; iw < win[3]; iw++) {
                            int xi = plane * hw + ih * g.inW() + iw;
                            yRef[yi] += (double) x[xi] / k;
                            yMag[yi] += Math.abs((double) x[xi] / k);
                            dxRef[xi] += (double) dy[yi] / k;
                            dxMag[xi] += Math.abs((double) dy[yi] / k);
                        }
                }
        Pool2dKernel.avgForward(g, x, y);
        Pool2dKernel.avgBackward(g, dy, dx);
        assertClose("y", yRef, yMag, y, k + 1);
        assertClose("dx", dxRef, dxMag, dx, k + 1);
    }

    @Test
    void averagePaddingCountsAsZero() {
        PoolGeometry g = PoolGeometry.of(1, 1, 2, 2, 2, 1, 1); // 3×3 outputs; corner window holds one pixel
        float[] y = new float[9];
        Pool2dKernel.avgForward(g, new float[] {4f, 4f, 4f, 4f}, y);
        assertEquals(1f, y[0]);
        assertEquals(2f, y[1]);
        assertEquals(4f, y[4]);
    }

    @Test
    void globalAverageMatchesReference() {
        Random rng = new Random(13);
        int n = 3, c = 5, hw = 49;
        float[] x = random(rng, n * c * hw), y = random(rng, n * c), dy = random(rng, n * c), dx = random(rng, n * c * hw);
        double[] yRef = new double[n * c], yMag = new double[n * c], dxRef = new double[dx.length], dxMag = new double[dx.length];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < hw; i++) {
                int xi = p * hw + i;
                yRef[p] += (double) x[xi] / hw;
                yMag[p] += Math.abs((double) x[xi] / hw);
                dxRef[xi] = dx[xi] + (double) dy[p] / hw;
                dxMag[xi] = Math.abs(dx[xi]) + Math.abs((double) dy[p] / hw);
            }
        Pool2dKernel.globalAvgForward(n, c, hw, x, y);
        Pool2dKernel.globalAvgBackward(n, c, hw, dy, dx);
        assertClose("y", yRef, yMag, y, hw + 1);
        assertClose("dx", dxRef, dxMag, dx, 3);
    }

    @Test
    void badGeometryAndLengthsAreRejected() {
        assertMessage("at most half the kernel", () -> PoolGeometry.of(1, 1, 4, 4, 2, 2, 2));
        assertMessage("channels must be positive", () -> PoolGeometry.of(1, 0, 4, 4, 2, 2, 0));
        assertMessage("strideH must be positive", () -> PoolGeometry.of(1, 1, 4, 4, 2, 0, 0));
        assertMessage("padW must be non-negative", () -> new PoolGeometry(1, 1, 4, 4, 2, 2, 2, 2, 0, -1));
        assertMessage("larger than the padded input", () -> PoolGeometry.of(1, 1, 2, 2, 3, 1, 0));
        PoolGeometry g = PoolGeometry.of(2, 3, 4, 4, 2, 2, 0);
        assertMessage("x has length 95, expected 96", () -> Pool2dKernel.maxForward(g, new float[95], new float[24], new int[24]));
        assertMessage("argmax has length", () -> Pool2dKernel.maxForward(g, new float[96], new float[24], new int[23]));
        assertMessage("dx has length", () -> Pool2dKernel.avgBackward(g, new float[24], new float[24]));
        assertMessage("y has length", () -> Pool2dKernel.globalAvgForward(2, 3, 16, new float[96], new float[5]));
        assertMessage("hw must be positive", () -> Pool2dKernel.globalAvgBackward(2, 3, 0, new float[6], new float[0]));
    }

    @Test
    void resultsAreIdenticalAcrossThreadCounts() {
        PoolGeometry g = PoolGeometry.of(9, 7, 12, 12, 3, 2, 1);
        float[] x = random(new Random(14), g.inputSize()), dy = random(new Random(15), g.outputSize());
        float[][] one = withThreads(1, () -> runAll(g, x, dy)), two = withThreads(2, () -> runAll(g, x, dy));
        for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], two[i], "output " + i);
    }

    private static float[][] runAll(PoolGeometry g, float[] x, float[] dy) {
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], ya = new float[g.outputSize()];
        float[] dxa = new float[g.inputSize()], yg = new float[g.batch() * g.channels()], dxg = new float[g.inputSize()];
        int[] arg = new int[g.outputSize()];
        Pool2dKernel.maxForward(g, x, y, arg);
        Pool2dKernel.maxBackward(g, dy, arg, dx);
        Pool2dKernel.avgForward(g, x, ya);
        Pool2dKernel.avgBackward(g, dy, dxa);
        int hw = g.inH() * g.inW();
        Pool2dKernel.globalAvgForward(g.batch(), g.channels(), hw, x, yg);
        Pool2dKernel.globalAvgBackward(g.batch(), g.channels(), hw, yg, dxg);
        return new float[][] {y, dx, ya, dxa, yg, dxg};
    }
}
