package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.apprentice.engine.vector.VectorWidth;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row kernel against its scalar twin, bit for bit (the same fma order), for every pixel count a
 * call can take at this machine's width, odd channel counts, partial tiles and rows that end mid-call;
 * and which pixel counts it picks for ResNet rows.
 */
class FloatRowKernelTest {
    private final Random rng = new Random(5);

    @Test
    void everyStepMatchesTheScalarTwinBitForBit() {
        for (int ch : new int[] {1, 3, 16, 17})
            for (int outChannels : new int[] {5, 16, 32, 33, 64})
                for (int inWidth : new int[] {9, 16, 30}) check(ch, outChannels, inWidth);
    }

    private void check(int ch, int outChannels, int inWidth) {
        int l = FloatRowKernel.LANES, tiles = (outChannels + l - 1) / l, width = tiles * l, taps = 9;
        float[] q = new float[tiles * taps * ch * l];
        for (int i = 0; i < q.length; i++) q[i] = (float) rng.nextGaussian();
        int outWidth = inWidth - 2;
        int step = FloatRowKernel.rowStep(tiles, outWidth), rowPixels = (outWidth + step - 1) / step * step;
        float[] x = new float[(3 * inWidth + rowPixels - outWidth) * ch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] sums = new float[rowPixels * width + 3], twin = new float[sums.length];
        FloatRowKernel.row(q, ch, taps, tiles, step, x, 0, inWidth * ch, rowPixels, sums, 3, width);
        FloatRowKernelScalar.row(q, ch, taps, tiles, x, 0, inWidth * ch, rowPixels, twin, 3, width);
        for (int p = 0; p < outWidth; p++)
            for (int o = 0; o < width; o++)
                assertEquals(twin[3 + p * width + o], sums[3 + p * width + o], 0f,
                        ch + "→" + outChannels + " over " + inWidth + ", step " + step + ": pixel " + p + " channel " + o);
    }

    /** Stride 2: both pixel counts, one tile and tile pairs (and an odd count), rows that end mid-call, against the twin and a naive loop. */
    @Test
    void strideTwoMatchesTheScalarTwinAndANaiveLoop() {
        for (int ch : new int[] {1, 3, 16, 17})
            for (int outChannels : new int[] {5, 16, 32, 48, 64})
                for (int outWidth : new int[] {7, 8, 14, 16, 5}) checkStrideTwo(ch, outChannels, outWidth);
        assertEquals(FloatRowKernel.SEVEN_PIXELS, FloatRowKernel.strideTwoStep(14));
        assertEquals(FloatRowKernel.SEVEN_PIXELS, FloatRowKernel.strideTwoStep(7));
        assertEquals(FloatRowKernel.PIXELS, FloatRowKernel.strideTwoStep(16));
    }

    private void checkStrideTwo(int ch, int outChannels, int outWidth) {
        int l = FloatRowKernel.LANES, tiles = (outChannels + l - 1) / l, width = tiles * l, taps = 9;
        float[] q = new float[tiles * taps * ch * l];
        for (int i = 0; i < q.length; i++) q[i] = (float) rng.nextGaussian();
        int step = FloatRowKernel.strideTwoStep(outWidth), rowPixels = (outWidth + step - 1) / step * step;
        int inWidth = 2 * outWidth + 1, rowStride = inWidth * ch;
        float[] x = new float[(2 * rowStride) + (2 * rowPixels + 1) * ch];   // the last row read as far as the last call reaches
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] sums = new float[rowPixels * width + 3], twin = new float[sums.length];
        FloatRowKernel.rowStrideTwo(q, ch, taps, tiles, step, x, 0, rowStride, rowPixels, sums, 3, width);
        FloatRowKernelScalar.rowStrideTwo(q, ch, taps, tiles, x, 0, rowStride, rowPixels, twin, 3, width);
        for (int p = 0; p < outWidth; p++)
            for (int o = 0; o < width; o++) {
                String at = ch + "→" + outChannels + ", " + outWidth + " wide, step " + step + ": pixel " + p + " channel " + o;
                assertEquals(twin[3 + p * width + o], sums[3 + p * width + o], 0f, at);
                double naive = 0;   // the convolution as written: weights q[((tile·taps + t)·ch + c)·L + o % L]
                for (int ki = 0; ki < 3; ki++)
                    for (int kj = 0; kj < 3; kj++)
                        for (int c = 0; c < ch; c++)
                            naive += (double) x[ki * rowStride + (2 * p + kj) * ch + c] * q[((o / l * taps + ki * 3 + kj) * ch + c) * l + o % l];
                assertEquals(naive, sums[3 + p * width + o], 1e-5 * (1 + Math.abs(naive)) * ch, at);
            }
    }

    /** 28×28 images give rows of 28, 14 and 7: the step that wastes no pixel (or the fewest) among those the registers allow. */
    @Test
    void picksTheStepThatWastesFewestPixels() {
        if (VectorWidth.REGISTERS >= 32) {
            assertEquals(FloatRowKernel.FOURTEEN_PIXELS, FloatRowKernel.rowStep(1, 28));
            assertEquals(FloatRowKernel.WIDE_PIXELS, FloatRowKernel.rowStep(1, 32));
            assertEquals(FloatRowKernel.PIXELS, FloatRowKernel.rowStep(1, 7));
            assertEquals(FloatRowKernel.SEVEN_PIXELS, FloatRowKernel.rowStep(2, 14));
            assertEquals(FloatRowKernel.PIXELS, FloatRowKernel.rowStep(3, 14)); // no 7-pixel kernel for an odd tile count
        } else {
            assertEquals(FloatRowKernel.SEVEN_PIXELS, FloatRowKernel.rowStep(1, 28));
            assertEquals(FloatRowKernel.SEVEN_PIXELS, FloatRowKernel.rowStep(3, 14));
            assertEquals(FloatRowKernel.PIXELS, FloatRowKernel.rowStep(1, 32));
        }
        assertEquals(FloatRowKernel.SEVEN_PIXELS, FloatRowKernel.rowStep(4, 7));
        assertEquals(FloatRowKernel.PIXELS, FloatRowKernel.rowStep(4, 16));
    }
}
