package dev.apprentice.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.apprentice.engine.kernel.KernelTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The write modes of the backward kernels, used for a tensor's first gradient: over a buffer full
 * of NaN (what a reused array may hold, and NaN survives any missed element) they give what the
 * accumulating modes add to zeros. Compared with delta 0, which equates 0.0 and −0.0 (0 + −0 is +0).
 */
class FirstGradientTest {
    @Test
    void convolutionBackwardDataWritesWhatItWouldAddToZeros() {
        Random rng = new Random(41);
        ConvGeometry[] shapes = {
                new ConvGeometry(3, 5, 9, 8, 6, 3, 3, 1, 1, 1, 1),  // stride 1: run as a convolution of dy
                new ConvGeometry(2, 4, 7, 7, 5, 1, 1, 1, 1, 0, 0),  // pointwise: the GEMM writes dx
                new ConvGeometry(2, 3, 9, 10, 4, 3, 3, 2, 2, 1, 1), // stride 2: column matrix and col2im
                new ConvGeometry(3, 2, 5, 4, 3, 3, 3, 1, 1, 2, 0),  // pad larger than half the kernel
        };
        for (ConvGeometry g : shapes) {
            float[] w = random(rng, g.weightSize()), dy = random(rng, g.outputSize());
            float[] added = new float[g.inputSize()], written = nans(g.inputSize());
            Conv2dKernel.backwardData(g, dy, w, added, true);
            Conv2dKernel.backwardData(g, dy, w, written, false);
            assertArrayEquals(added, written, 0f, g.toString());
        }
    }

    @Test
    void batchNormBackwardWritesWhatItWouldAddToZeros() {
        Random rng = new Random(42);
        int batch = 4, channels = 3, hw = 37; // a ragged vector tail
        int size = batch * channels * hw;
        float[] x = random(rng, size), dy = random(rng, size), gamma = random(rng, channels), beta = random(rng, channels);
        float[] y = new float[size], mean = new float[channels], invStd = new float[channels];
        BatchNormKernel.forwardTrain(batch, channels, hw, x, gamma, beta, 1e-5f, 0.1f, null, null, y, mean, invStd);
        float[] reluOut = y.clone();
        for (int i = 0; i < size; i++) reluOut[i] = Math.max(reluOut[i], 0f);
        for (float[] r : new float[][] {null, reluOut}) {
            float[] added = new float[size], written = nans(size);
            BatchNormKernel.backward(batch, channels, hw, x, dy, r, gamma, mean, invStd, added, true, null, null);
            BatchNormKernel.backward(batch, channels, hw, x, dy, r, gamma, mean, invStd, written, false, null, null);
            assertArrayEquals(added, written, 0f, r == null ? "plain" : "through a relu");
        }
    }

    @Test
    void reluBackwardIntoWritesWhatReluBackwardAddsToZeros() {
        Random rng = new Random(43);
        float[] y = random(rng, 1001), g = random(rng, 1001);
        for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0f);
        float[] added = new float[y.length], written = nans(y.length);
        Elementwise.reluBackward(y, g, added);
        Elementwise.reluBackwardInto(y, g, written);
        assertArrayEquals(added, written, 0f);
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }
}
