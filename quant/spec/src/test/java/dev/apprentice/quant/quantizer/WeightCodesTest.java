package dev.apprentice.quant.quantizer;

import dev.apprentice.nn.layers.Conv2d;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The weight quantizers against hand-worked values. */
class WeightCodesTest {

    @Test
    void ternaryThresholdsAtSevenTenthsOfMeanMagnitudeAndScalesByKeptMean() {
        // mean|w| = 2.15/6, Δ = 0.7·mean = 0.2508; kept 0.9, 0.5, −0.6 → α = 2.0/3
        float[] w = {0.9f, -0.1f, 0.5f, -0.6f, 0.05f, 0f};
        WeightCodes q = WeightCodes.ternary(w, 1, 6, 0.7f, true);
        assertArrayEquals(new int[] {1, 0, 1, -1, 0, 0}, q.codes());
        assertEquals(2.0f / 3, q.scale()[0], 1e-7f);
        assertArrayEquals(new float[] {q.scale()[0], 0, q.scale()[0], -q.scale()[0], 0, 0}, q.values());
    }

    @Test
    void ternaryPerChannelGivesEachRowItsOwnScaleAndPerLayerShares() {
        float[] w = {1f, -1f, 0.1f, 0.1f, /* row 1 */ 4f, 0f, -4f, 0f};
        WeightCodes perRow = WeightCodes.ternary(w, 2, 4, 0.7f, true);
        // row 0: mean 0.55, Δ 0.385 → kept ±1 → α 1; row 1: mean 2, Δ 1.4 → kept ±4 → α 4
        assertArrayEquals(new int[] {1, -1, 0, 0, 1, 0, -1, 0}, perRow.codes());
        assertArrayEquals(new float[] {1f, 4f}, perRow.scale());
        WeightCodes perLayer = WeightCodes.ternary(w, 2, 4, 0.7f, false);
        // mean|w| = 10.2/8 = 1.275, Δ = 0.8925 → kept 1, −1, 4, −4 → α = 10/4 = 2.5
        assertArrayEquals(new int[] {1, -1, 0, 0, 1, 0, -1, 0}, perLayer.codes());
        assertArrayEquals(new float[] {2.5f, 2.5f}, perLayer.scale());
    }

    @Test
    void ternaryOfAllZeroRowIsZeroWithZeroScale() {
        WeightCodes q = WeightCodes.ternary(new float[4], 1, 4, 0.7f, true);
        assertArrayEquals(new int[4], q.codes());
        assertEquals(0f, q.scale()[0]);
    }

    @Test
    void fourBitScalesByMaxMagnitudeAndRoundsHalfToEven() {
        // L = 7, s = 1: codes rint(7w): 7, rint(−3.5) = −4, rint(1.75) = 2, rint(0.4375) = 0
        float[] w = {1f, -0.5f, 0.25f, 0.0625f};
        WeightCodes q = WeightCodes.maxScaled(w, 1, 4, 4, true);
        assertArrayEquals(new int[] {7, -4, 2, 0}, q.codes());
        assertEquals(1f / 7, q.scale()[0]);
        assertEquals(-4f / 7, q.value(1), 1e-7f);
    }

    @Test
    void eightBitUsesAll127LevelsAndTheMaximumMapsToTheTopCode() {
        Random rng = new Random(3);
        float[] w = new float[1000];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        WeightCodes q = WeightCodes.maxScaled(w, 4, 250, 8, true);
        for (int r = 0; r < 4; r++) {
            int top = 0;
            float max = 0;
            for (int i = r * 250; i < (r + 1) * 250; i++) {
                top = Math.max(top, Math.abs(q.codes()[i]));
                max = Math.max(max, Math.abs(w[i]));
                assertEquals(w[i], q.value(i), q.scale()[r] / 2 * 1.0001f, "rounding error at most half a step");
            }
            assertEquals(127, top);
            assertEquals(max / 127, q.scale()[r]);
        }
    }

    @Test
    void wrpnClampsToUnitRangeAndRounds() {
        float[] w = {1.5f, 0.4f, -0.6f, -2f};
        assertArrayEquals(new int[] {1, 0, -1, -1}, WeightCodes.wrpn(w, 1, 4, 2).codes());
        // 4 bits: L = 7: rint(7), rint(2.8) = 3, rint(−4.2) = −4, −7
        WeightCodes q4 = WeightCodes.wrpn(w, 1, 4, 4);
        assertArrayEquals(new int[] {7, 3, -4, -7}, q4.codes());
        assertEquals(1f / 7, q4.scale()[0]);
    }

    /** Why WRPN is not the default: from a Kaiming initialisation every ternary weight rounds to 0. */
    @Test
    void wrpnTernaryZeroesAKaimingInitialisedLayer() {
        Conv2d conv = new Conv2d(16, 16, 3, 1, 1, false, new Random(1)); // std √(2/144) ≈ 0.118
        float[] w = conv.weight().data();
        int[] codes = WeightCodes.wrpn(w, 16, 144, 2).codes();
        for (int c : codes) assertEquals(0, c);
        int nonZero = 0;
        for (int c : WeightCodes.ternary(w, 16, 144, 0.7f, true).codes()) if (c != 0) nonZero++;
        assertEquals(0.5, nonZero / (double) codes.length, 0.1, "TWN keeps about half the weights");
    }
}
