package dev.apprentice.quant.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** AddKernel against naive sums over the same planar rows, for ternary and 4-bit codes, with and without chunked widening. */
class AddKernelTest {
    private final Random rng = new Random(11);

    @Test
    void matchesNaiveSums() {
        for (int maxCode : new int[] {1, 7}) {
            for (int channels : new int[] {1, 3, 16, 40}) {
                for (double zeros : new double[] {0.0, 0.5, 1.0}) {
                    check(maxCode, channels, 5, zeros, 255, AddKernel.chunk(255));
                    check(maxCode, channels, 3, zeros, 255, 1 + rng.nextInt(7));   // widening after every few taps
                }
            }
        }
    }

    @Test
    void fullScaleCodesDoNotOverflowTheSixteenBitSums() {
        // every tap +1 (or +7) on activations of 255: one chunk reaches chunk · 255 ≤ 32767
        int channels = 64, outChannels = 2, depth = channels * 9;
        for (int m : new int[] {1, 7}) {
            int[] codes = new int[outChannels * depth];
            for (int k = 0; k < depth; k++) {
                codes[k] = m;
                codes[depth + k] = -m;
            }
            SignedTaps w = SignedTaps.pack(codes, outChannels, channels, m);
            int wp = 12, plane = 3 * wp + AddKernel.PIXELS + 2 * wp + 2;
            short[] x = new short[channels * plane + AddKernel.PIXELS];
            java.util.Arrays.fill(x, (short) 255);
            int[] sums = new int[2 * AddKernel.PIXELS];
            int[] offsets = w.offsets(plane, wp);
            AddKernel.sums(w, 0, offsets, x, 0, AddKernel.chunk(255), sums, 0);
            AddKernel.sums(w, 1, offsets, x, 0, AddKernel.chunk(255), sums, AddKernel.PIXELS);
            assertEquals(depth * 255 * m, sums[0]);
            assertEquals(-depth * 255 * m, sums[AddKernel.PIXELS + 5]);
        }
    }

    @Test
    void rejectsCodesOutsideTheEncoding() {
        assertThrows(IllegalArgumentException.class, () -> SignedTaps.pack(new int[] {0, 0, 2, 0, 0, 0, 0, 0, 0}, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SignedTaps.pack(new int[8], 1, 1, 1));
    }

    private void check(int maxCode, int channels, int outChannels, double zeros, int maxActivation, int chunk) {
        int depth = channels * 9;
        int[] codes = new int[outChannels * depth];
        for (int i = 0; i < codes.length; i++)
            codes[i] = rng.nextDouble() < zeros ? 0 : (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(maxCode));
        SignedTaps w = SignedTaps.pack(codes, outChannels, channels, maxCode);
        int wp = 7 + rng.nextInt(30), j0 = rng.nextInt(50);
        int plane = j0 + AddKernel.PIXELS + 2 * wp + 2 + rng.nextInt(20);
        short[] x = new short[channels * plane];
        for (int i = 0; i < x.length; i++) x[i] = (short) rng.nextInt(maxActivation + 1);
        int[] offsets = w.offsets(plane, wp);
        int[] sums = new int[outChannels * AddKernel.PIXELS];
        for (int o = 0; o < outChannels; o++) AddKernel.sums(w, o, offsets, x, j0, chunk, sums, o * AddKernel.PIXELS);
        for (int o = 0; o < outChannels; o++)
            for (int p = 0; p < AddKernel.PIXELS; p++) {
                long expected = 0;
                for (int c = 0; c < channels; c++)
                    for (int t = 0; t < 9; t++)
                        expected += (long) codes[o * depth + c * 9 + t] * x[c * plane + j0 + p + (t / 3) * wp + t % 3];
                assertEquals(expected, sums[o * AddKernel.PIXELS + p], "m " + maxCode + " C " + channels + " zeros " + zeros + " chunk " + chunk + " o " + o + " p " + p);
            }
    }
}
