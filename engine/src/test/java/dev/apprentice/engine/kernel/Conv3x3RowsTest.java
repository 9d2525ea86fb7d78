package dev.apprentice.engine.kernel;

import static dev.apprentice.engine.kernel.KernelTestSupport.assertClose;
import static dev.apprentice.engine.kernel.KernelTestSupport.random;
import static dev.apprentice.engine.kernel.KernelTestSupport.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row-kernel path of stride-1 3×3 layers ({@link Conv3x3Rows}, which {@link Conv2dKernel} takes for
 * the forward pass without an epilogue and for the input gradient) against the naive loops, and bit for
 * bit across thread counts and between a batch and its images run one by one.
 */
class Conv3x3RowsTest {
    private static final ConvGeometry[] SHAPES = {
            new ConvGeometry(3, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1), // ResNet-20's first stage: 14-pixel calls
            new ConvGeometry(2, 32, 14, 14, 32, 3, 3, 1, 1, 1, 1), // second stage: 7-pixel calls, 196 pixels (4 past the last block)
            new ConvGeometry(2, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1),   // third stage: 49 pixels
            new ConvGeometry(3, 16, 5, 6, 32, 3, 3, 1, 1, 1, 1),   // 6-wide rows: one 8-pixel call each, 2 pixels dropped
            new ConvGeometry(2, 32, 9, 11, 16, 3, 3, 1, 1, 0, 2),  // pads 0 and 2, 11-wide rows
            new ConvGeometry(1, 16, 3, 3, 64, 3, 3, 1, 1, 1, 1),   // 9 pixels: no whole block to transpose
            new ConvGeometry(2, 17, 10, 9, 48, 3, 3, 1, 1, 1, 1),  // 17 input channels: a partial transpose block; 48 output: odd 16-lane tiles
            new ConvGeometry(2, 16, 8, 8, 10, 3, 3, 1, 1, 1, 1),   // 10 output channels: a partial tile at every width
    };

    @Test
    void takesStrideOne3x3WithAVectorOfInputChannels() {
        for (ConvGeometry g : SHAPES) assertTrue(Conv3x3Rows.applies(g), g.toString());
        assertFalse(Conv3x3Rows.applies(new ConvGeometry(2, 1, 28, 28, 16, 3, 3, 1, 1, 1, 1)));   // the image-fed stem
        assertFalse(Conv3x3Rows.applies(new ConvGeometry(2, 16, 28, 28, 32, 3, 3, 2, 2, 1, 1)));  // strided
        assertFalse(Conv3x3Rows.applies(new ConvGeometry(2, 16, 28, 28, 32, 1, 1, 1, 1, 0, 0)));  // 1×1
    }

    /** Forward (written over NaN), input gradient written over NaN and added to a start. */
    @Test
    void matchesTheReference() {
        Random rng = new Random(81);
        for (ConvGeometry g : SHAPES) {
            float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), dy = random(rng, g.outputSize());
            float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dxStart = random(rng, g.inputSize()), dxAdd = dxStart.clone();
            Arrays.fill(y, Float.NaN);
            Arrays.fill(dx, Float.NaN);
            withThreads(2, () -> {
                Arrays.fill(Scratch.floats(1 << 20), Float.NaN); // a stale work area must not leak in
                Conv2dKernel.forward(g, x, w, null, y);
                Conv2dKernel.backwardData(g, dy, w, dx, false);
                Conv2dKernel.backwardData(g, dy, w, dxAdd, true);
                return null;
            });
            var ref = ConvReference.forward(g, x, w, null);
            assertClose("y of " + g, ref.value(), ref.magnitude(), y, g.inChannels() * 9 + 1);
            var refDx = ConvReference.backwardData(g, dy, w, new float[g.inputSize()]);
            assertClose("dx of " + g, refDx.value(), refDx.magnitude(), dx, g.outChannels() * 9 + 1);
            var refAdd = ConvReference.backwardData(g, dy, w, dxStart);
            assertClose("dx += of " + g, refAdd.value(), refAdd.magnitude(), dxAdd, g.outChannels() * 9 + 1);
        }
    }

    @Test
    void bitIdenticalForAnyThreadCountAndBatchSplit() {
        Random rng = new Random(82);
        for (ConvGeometry g : SHAPES) {
            float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), dy = random(rng, g.outputSize());
            float[][] y = new float[3][], dx = new float[3][];
            for (int t = 1; t <= 3; t++) {
                float[] yt = new float[g.outputSize()], dxt = new float[g.inputSize()];
                withThreads(t, () -> {
                    Conv2dKernel.forward(g, x, w, null, yt);
                    Conv2dKernel.backwardData(g, dy, w, dxt, false);
                    return null;
                });
                y[t - 1] = yt;
                dx[t - 1] = dxt;
            }
            assertArrayEquals(y[0], y[1], "y, 1 vs 2 threads, " + g);
            assertArrayEquals(y[0], y[2], "y, 1 vs 3 threads, " + g);
            assertArrayEquals(dx[0], dx[1], "dx, 1 vs 2 threads, " + g);
            assertArrayEquals(dx[0], dx[2], "dx, 1 vs 3 threads, " + g);
            ConvGeometry one = new ConvGeometry(1, g.inChannels(), g.inH(), g.inW(), g.outChannels(), 3, 3, 1, 1, g.padH(), g.padW());
            int xs = one.inputSize(), ys = one.outputSize(), last = g.batch() - 1;
            float[] yOne = new float[ys];
            withThreads(2, () -> {
                Conv2dKernel.forward(one, Arrays.copyOfRange(x, last * xs, (last + 1) * xs), w, null, yOne);
                return null;
            });
            assertArrayEquals(Arrays.copyOfRange(y[0], last * ys, (last + 1) * ys), yOne, "last image alone, " + g);
        }
    }
}
