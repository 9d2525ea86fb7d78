package dev.apprentice.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.apprentice.engine.kernel.KernelTestSupport.assertClose;
import static dev.apprentice.engine.kernel.KernelTestSupport.random;
import static dev.apprentice.engine.kernel.KernelTestSupport.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct 3×3 kernel, taken by batches of at least an image per thread, against the naive loops
 * and, bit for bit, against the general GEMM path that the same images take one at a time.
 */
class Conv3x3KernelTest {
    private static final ConvGeometry[] SHAPES = {
            new ConvGeometry(3, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1), // ResNet-20's first stage
            new ConvGeometry(2, 32, 7, 7, 64, 3, 3, 1, 1, 1, 1),   // k = 288: the GEMM splits it into two slices
            new ConvGeometry(2, 64, 5, 6, 8, 3, 3, 1, 1, 1, 1),    // k = 576, non-square image
            new ConvGeometry(3, 3, 9, 11, 24, 3, 3, 1, 1, 0, 2),   // odd channels, pads 0 and 2
    };

    /** The fused epilogue (bias, residual, relu) and accumulating backward-data, each image against the GEMM path. */
    @Test
    void epilogueAndAccumulationMatchTheGemmPathBitForBit() {
        Random rng = new Random(52);
        for (ConvGeometry g : SHAPES) {
            float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), bias = random(rng, g.outChannels());
            float[] res = random(rng, g.outputSize()), dy = random(rng, g.outputSize()), dxStart = random(rng, g.inputSize());
            float[] y = new float[g.outputSize()], dx = dxStart.clone();
            withThreads(2, () -> {
                Conv2dKernel.forward(g, x, w, bias, res, true, y);
                Conv2dKernel.backwardData(g, dy, w, dx, true);
                return null;
            });
            ConvGeometry one = new ConvGeometry(1, g.inChannels(), g.inH(), g.inW(), g.outChannels(), 3, 3, 1, 1, g.padH(), g.padW());
            int xs = one.inputSize(), ys = one.outputSize();
            for (int n = 0; n < g.batch(); n++) {
                float[] yOne = new float[ys], dxOne = Arrays.copyOfRange(dxStart, n * xs, (n + 1) * xs);
                float[] xn = Arrays.copyOfRange(x, n * xs, (n + 1) * xs), dyn = Arrays.copyOfRange(dy, n * ys, (n + 1) * ys);
                float[] rn = Arrays.copyOfRange(res, n * ys, (n + 1) * ys);
                withThreads(2, () -> {
                    Conv2dKernel.forward(one, xn, w, bias, rn, true, yOne);
                    Conv2dKernel.backwardData(one, dyn, w, dxOne, true);
                    return null;
                });
                assertArrayEquals(yOne, Arrays.copyOfRange(y, n * ys, (n + 1) * ys), "forward with epilogue, image " + n + " of " + g);
                assertArrayEquals(dxOne, Arrays.copyOfRange(dx, n * xs, (n + 1) * xs), "accumulated backward data, image " + n + " of " + g);
            }
        }
    }

    @Test
    void takesOnlyStrideOne3x3WithWholePanels() {
        assertTrue(Conv3x3Kernel.applies(SHAPES[0]));
        assertFalse(Conv3x3Kernel.applies(new ConvGeometry(2, 16, 28, 28, 12, 3, 3, 1, 1, 1, 1)));
        assertFalse(Conv3x3Kernel.applies(new ConvGeometry(2, 16, 28, 28, 16, 3, 3, 2, 2, 1, 1)));
        assertFalse(Conv3x3Kernel.applies(new ConvGeometry(2, 16, 28, 28, 16, 1, 1, 1, 1, 0, 0)));
    }

    @Test
    void forwardAndBackwardDataMatchTheReferenceAndTheGemmPathBitForBit() {
        Random rng = new Random(51);
        for (ConvGeometry g : SHAPES) {
            float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), dy = random(rng, g.outputSize());
            float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
            Arrays.fill(y, Float.NaN); // both are overwritten: every element written, whatever they held
            Arrays.fill(dx, Float.NaN);
            withThreads(2, () -> {
                Conv2dKernel.forward(g, x, w, null, y);
                Conv2dKernel.backwardData(g, dy, w, dx, false);
                return null;
            });
            ConvReference.Result ref = ConvReference.forward(g, x, w, null);
            assertClose("forward " + g, ref.value(), ref.magnitude(), y, g.inChannels() * 9);
            ConvReference.Result refDx = ConvReference.backwardData(g, dy, w, new float[g.inputSize()]);
            assertClose("backward data " + g, refDx.value(), refDx.magnitude(), dx, g.outChannels() * 9 + 1);

            // One image at a time: below a image per thread, so the general GEMM path.
            ConvGeometry one = new ConvGeometry(1, g.inChannels(), g.inH(), g.inW(), g.outChannels(), 3, 3, 1, 1, g.padH(), g.padW());
            int xs = one.inputSize(), ys = one.outputSize();
            for (int n = 0; n < g.batch(); n++) {
                float[] yOne = new float[ys], dxOne = new float[xs];
                float[] xn = Arrays.copyOfRange(x, n * xs, (n + 1) * xs), dyn = Arrays.copyOfRange(dy, n * ys, (n + 1) * ys);
                withThreads(2, () -> {
                    Conv2dKernel.forward(one, xn, w, null, yOne);
                    Conv2dKernel.backwardData(one, dyn, w, dxOne, false);
                    return null;
                });
                assertArrayEquals(yOne, Arrays.copyOfRange(y, n * ys, (n + 1) * ys), "forward, image " + n + " of " + g);
                assertArrayEquals(dxOne, Arrays.copyOfRange(dx, n * xs, (n + 1) * xs), "backward data, image " + n + " of " + g);
            }
        }
    }
}
