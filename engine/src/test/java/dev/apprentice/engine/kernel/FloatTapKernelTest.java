package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tap kernel against its scalar twin, bit for bit, for 1×1 and 3×3 taps, ragged tiles and scattered pixel bases. */
class FloatTapKernelTest {
    @Test
    void matchesTheScalarTwinBitForBit() {
        Random rng = new Random(9);
        int l = FloatRowKernel.LANES;
        for (int taps : new int[] {1, 9})
            for (int ch : new int[] {4, 8, 20})
                for (int tiles = 1; tiles <= 5; tiles++) {
                    float[] q = new float[tiles * taps * ch * l];
                    for (int i = 0; i < q.length; i++) q[i] = (float) rng.nextGaussian();
                    int[] tapOffsets = new int[taps];
                    for (int t = 0; t < taps; t++) tapOffsets[t] = (t / 3 * 31 + t % 3) * ch;
                    float[] x = new float[(8 * 2 + 3 * 31 + 8) * ch];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
                    int[] b = new int[8];
                    for (int r = 0; r < 8; r++) b[r] = (2 * r + rng.nextInt(2)) * ch; // stride 2, jittered
                    int width = tiles * l;
                    float[] sums = new float[8 * width + 5], twin = new float[sums.length];
                    int t0 = taps == 9 ? 2 : 0;
                    FloatTapKernel.pixels(q, ch, taps, tiles, t0, taps, tapOffsets, x, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], sums, 5, width);
                    FloatTapKernelScalar.pixels(q, ch, taps, tiles, t0, taps, tapOffsets, x, b, twin, 5, width);
                    for (int i = 5; i < sums.length; i++)
                        assertEquals(twin[i], sums[i], 0f, taps + " taps, " + ch + " channels, " + tiles + " tiles: sum " + (i - 5));
                }
    }
}
