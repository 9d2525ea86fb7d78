package dev.apprentice.quant.kernel;

import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The packed codes a loaded model holds, decoded by vector shifts, against TapWeights' plain scalar layout. */
class TapCodesTest {
    private final Random rng = new Random(11);

    @Test
    void decodesToTheFloatLayoutForEveryEncodingAndOddShape() {
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8}) {
            for (int[] shape : new int[][] {{1, 1, 1}, {5, 9, 3}, {16, 9, 16}, {17, 1, 7}, {33, 9, 17}, {64, 9, 64}}) {
                int rows = shape[0], taps = shape[1], channels = shape[2];
                int[] codes = new int[rows * taps * channels];
                for (int i = 0; i < codes.length; i++) {
                    // the extremes every few codes: both ends of the range must survive sign extension
                    int r = rng.nextInt(4);
                    codes[i] = r == 0 ? e.maxCode : r == 1 ? -e.maxCode : rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
                }
                TapWeights expected = TapWeights.pack(e, codes, rows, taps, channels);
                TapCodes packed = TapCodes.pack(e, codes, rows, taps, channels);
                assertEquals(expected.weights.length, packed.floats(), e + " " + Arrays.toString(shape));
                float[] buf = new float[packed.floats() + 7];
                Arrays.fill(buf, Float.NaN);   // stale contents of a reused buffer must be overwritten
                TapWeights decoded = packed.decode(buf);
                assertArrayEquals(expected.weights, Arrays.copyOf(decoded.weights, packed.floats()), e + " " + Arrays.toString(shape));
                float[] twin = new float[packed.floats()];
                Arrays.fill(twin, Float.NaN);
                assertArrayEquals(expected.weights, Arrays.copyOf(packed.decodeScalar(twin).weights, packed.floats()), "the scalar twin, " + e + " " + Arrays.toString(shape));
                assertEquals(expected.paddedChannels(), decoded.paddedChannels());
                assertEquals(expected.tiles(), decoded.tiles());
                assertEquals(expected.maxTapsPerPass(255), packed.maxTapsPerPass(255));
            }
        }
    }

    @Test
    void holdsTheFilesBitsPerWeight() {
        int rows = 64, taps = 9, channels = 64, weights = rows * taps * channels;
        int[] codes = new int[weights];
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8}) {
            long bytes = TapCodes.pack(e, codes, rows, taps, channels).bytes();
            // the codes plus 64 bytes of slack for the last 16-int load
            assertEquals((long) weights * e.bits / 8 + 64, bytes, e.toString());
        }
    }

    @Test
    void rejectsCodesOutOfRangeAndShortBuffers() {
        assertThrows(IllegalArgumentException.class, () -> TapCodes.pack(WeightEncoding.TERNARY, new int[] {2}, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TapCodes.pack(WeightEncoding.INT4, new int[] {-8}, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TapCodes.pack(WeightEncoding.INT8, new int[] {-128}, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TapCodes.pack(WeightEncoding.F32, new int[] {0}, 1, 1, 1));
        TapCodes one = TapCodes.pack(WeightEncoding.INT4, new int[] {3}, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> one.decode(new float[one.floats() - 1]));
    }
}
