package dev.apprentice.engine.kernel;

import static dev.apprentice.engine.kernel.KernelTestSupport.assertClose;
import static dev.apprentice.engine.kernel.KernelTestSupport.random;
import static dev.apprentice.engine.kernel.KernelTestSupport.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 3×3 weight gradient with output channels in the lanes (through {@link Conv2dKernel#backwardWeights},
 * which takes it for every 3×3 layer it applies to) against the naive loops, for its 16-channel tile
 * (alone and after 32-channel ones), the 32-channel tile at stride 1 and at column stride 2, one input
 * channel, and pixel counts with and without a partial 16-pixel block.
 */
class Conv3x3WeightGradTest {
    private static final ConvGeometry[] SHAPES = {
            new ConvGeometry(3, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1), // ResNet-20's first stage: the 16-channel tile
            new ConvGeometry(2, 1, 12, 9, 16, 3, 3, 1, 1, 1, 1),   // one input channel
            new ConvGeometry(19, 3, 7, 7, 32, 3, 3, 1, 1, 1, 1),   // the 32-wide tile; batch above the chunk count
            new ConvGeometry(2, 5, 6, 11, 48, 3, 3, 1, 1, 1, 1),   // both tiles, odd input channels
            new ConvGeometry(3, 4, 9, 8, 64, 3, 3, 1, 1, 0, 2),    // pads 0 and 2
            new ConvGeometry(2, 64, 5, 6, 16, 3, 3, 1, 1, 1, 1),   // many input channels, few output
            new ConvGeometry(3, 32, 14, 14, 32, 3, 3, 1, 1, 1, 1), // ResNet-20's second stage: compact rows, 196 pixels
            new ConvGeometry(2, 8, 3, 3, 32, 3, 3, 1, 1, 1, 1),    // 9 pixels: no whole 16 × 16 block to transpose
            new ConvGeometry(3, 16, 28, 28, 32, 3, 3, 2, 2, 1, 1), // ResNet-20's down-sampling layer: compact pixels
            new ConvGeometry(2, 3, 11, 9, 64, 3, 3, 2, 2, 1, 1),   // stride 2, odd sizes, odd channels
            new ConvGeometry(2, 4, 9, 10, 32, 3, 3, 3, 2, 0, 2),   // row stride 3, column stride 2, pads 0/2
    };

    @Test
    void accumulatesTheReferenceWeightGradient() {
        Random rng = new Random(61);
        for (ConvGeometry g : SHAPES) {
            assertTrue(Conv3x3WeightGrad.applies(g), g.toString());
            float[] x = random(rng, g.inputSize()), dy = random(rng, g.outputSize()), dw = random(rng, g.weightSize());
            var ref = ConvReference.backwardWeights(g, x, dy, dw);
            withThreads(2, () -> {
                Conv2dKernel.backwardWeights(g, x, dy, dw);
                return null;
            });
            assertClose("dw of " + g, ref.value(), ref.magnitude(), dw, g.batch() * g.outH() * g.outW() + 1);
        }
    }

    /** Chunks are fixed by the shape and added in order: the same bits for any thread count. */
    @Test
    void bitIdenticalForAnyThreadCount() {
        Random rng = new Random(62);
        for (ConvGeometry g : SHAPES) {
            float[] x = random(rng, g.inputSize()), dy = random(rng, g.outputSize()), start = random(rng, g.weightSize());
            float[][] dw = new float[3][];
            for (int t = 1; t <= 3; t++) {
                float[] d = start.clone();
                withThreads(t, () -> {
                    Conv2dKernel.backwardWeights(g, x, dy, d);
                    return null;
                });
                dw[t - 1] = d;
            }
            assertArrayEquals(dw[0], dw[1], "1 vs 2 threads, " + g);
            assertArrayEquals(dw[0], dw[2], "1 vs 3 threads, " + g);
        }
    }

    /** The work area's previous contents (here NaN) never reach the result. */
    @Test
    void staleWorkAreaDoesNotLeak() {
        Random rng = new Random(63);
        ConvGeometry g = SHAPES[3];
        float[] x = random(rng, g.inputSize()), dy = random(rng, g.outputSize()), dw = new float[g.weightSize()];
        withThreads(1, () -> {
            Arrays.fill(Scratch.floats(1 << 20), Float.NaN);
            Conv2dKernel.backwardWeights(g, x, dy, dw);
            return null;
        });
        for (float v : dw) assertFalse(Float.isNaN(v) || Float.isInfinite(v));
        var ref = ConvReference.backwardWeights(g, x, dy, new float[g.weightSize()]);
        assertClose("dw", ref.value(), ref.magnitude(), dw, g.batch() * g.outH() * g.outW() + 1);
    }

    @Test
    void takes3x3OfStrideOneOrColumnStrideTwo() {
        int l = Conv3x3WeightGrad.L;
        assertTrue(Conv3x3WeightGrad.applies(new ConvGeometry(2, 16, 28, 28, 2 * l, 3, 3, 1, 1, 1, 1)));
        assertFalse(Conv3x3WeightGrad.applies(new ConvGeometry(2, 16, 28, 28, l + l / 2, 3, 3, 1, 1, 1, 1))); // not whole vectors
        // strided: pairs of vectors with 32 registers, whole vectors with 16
        assertEquals(!Conv3x3WeightGrad.WIDE, Conv3x3WeightGrad.applies(new ConvGeometry(2, 16, 28, 28, l, 3, 3, 2, 2, 1, 1)));
        assertFalse(Conv3x3WeightGrad.applies(new ConvGeometry(2, 16, 28, 28, 32, 3, 3, 2, 1, 1, 1)));
        assertFalse(Conv3x3WeightGrad.applies(new ConvGeometry(2, 16, 28, 28, 32, 3, 3, 1, 3, 1, 1)));
        assertFalse(Conv3x3WeightGrad.applies(new ConvGeometry(2, 16, 28, 28, 32, 1, 1, 1, 1, 0, 0)));
    }
}
