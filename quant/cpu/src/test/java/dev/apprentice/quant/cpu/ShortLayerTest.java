package dev.apprentice.quant.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weight-based flush interval against a step-by-step model of both kernel loops: one run of chunks across
 * kernel rows (one-tile and paired kernels) and chunks restarting at each kernel row (two-tile kernels).
 */
class ShortLayerTest {

    /** The largest 16-bit partial sum magnitude bound (per unit offset) the loop reaches, flushing every k steps. */
    private static int largestChunk(int[] tapOrder, int row, int channels, int k, boolean restartEachKernelRow) {
        int depth = 9 * channels, largest = 0, sum = 0, inChunk = 0;
        for (int ki = 0; ki < 3; ki++)
            for (int c = 0; c < channels; c++) {
                if (restartEachKernelRow && c == 0) sum = inChunk = 0;
                for (int kj = 0; kj < 3; kj++) sum += Math.abs(tapOrder[row * depth + (ki * 3 + kj) * channels + c]);
                largest = Math.max(largest, sum);
                if (++inChunk == k) sum = inChunk = 0;
            }
        return largest;
    }

    private static boolean fits(int[] tapOrder, int rows, int channels, int k, int limit, boolean restart) {
        for (int o = 0; o < rows; o++)
            if (largestChunk(tapOrder, o, channels, k, restart) > limit) return false;
        return true;
    }

    @Test
    void flushIntervalKeepsEveryChunkOfBothLoopsExact() {
        Random rng = new Random(3);
        int bindingRowRestarts = 0;
        for (int trial = 0; trial < 300; trial++) {
            int channels = 1 + rng.nextInt(40), rows = 1 + rng.nextInt(3), depth = 9 * channels, maxCode = rng.nextBoolean() ? 1 : 7;
            int offset = rng.nextBoolean() ? 128 : 8, limit = Short.MAX_VALUE / offset;
            int uniform = Math.max(1, limit / (3 * maxCode));
            double density = rng.nextDouble();
            int[] tapOrder = new int[rows * depth];
            for (int i = 0; i < tapOrder.length; i++)
                tapOrder[i] = rng.nextDouble() < density ? (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(maxCode)) : 0;
            int k = ShortLayer.flushEvery(tapOrder, rows, channels, offset, uniform);
            String what = "trial " + trial + ": " + channels + " channels, |w| ≤ " + maxCode + ", offset " + offset;
            assertTrue(k >= uniform, what);
            assertTrue(fits(tapOrder, rows, channels, k, limit, false), what + ": interval " + k + " overflows the loop across kernel rows");
            assertTrue(fits(tapOrder, rows, channels, k, limit, true), what + ": interval " + k + " overflows the loop per kernel row");
            if (k < 3 * channels && k > uniform)
                assertTrue(!fits(tapOrder, rows, channels, k + 1, limit, false) || !fits(tapOrder, rows, channels, k + 1, limit, true),
                        what + ": " + (k + 1) + " would fit too");
            int acrossOnly = k;
            while (acrossOnly < 3 * channels && fits(tapOrder, rows, channels, acrossOnly + 1, limit, false)) acrossOnly++;
            if (acrossOnly > k) bindingRowRestarts++;
        }
        assertTrue(bindingRowRestarts > 0, "some trial where the per-row chunks shorten the interval");
    }

    @Test
    void weightsAtTheEncodingsBoundKeepTheUniformInterval() {
        int channels = 16, offset = 128, limit = Short.MAX_VALUE / offset, uniform = limit / 3;
        int[] tapOrder = new int[9 * channels];
        java.util.Arrays.fill(tapOrder, 1);
        assertEquals(uniform, ShortLayer.flushEvery(tapOrder, 1, channels, offset, uniform));
    }
}
