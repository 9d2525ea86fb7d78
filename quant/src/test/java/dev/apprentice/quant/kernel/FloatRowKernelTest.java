package dev.apprentice.quant.kernel;

import dev.apprentice.quant.packed.WeightEncoding;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** FloatRowKernel against a naive 3×3 convolution over the same padded rows, exact integer sums. */
class FloatRowKernelTest {
    private final Random rng = new Random(5);

    @Test
    void matchesNaiveSumsForOddChannelCountsTilesAndRowLengths() {
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8}) {
            for (int channels : new int[] {1, 3, 16, 17}) {
                for (int outChannels : new int[] {5, 16, 33, 64})
                    for (int rep = 0; rep < 2; rep++) check(e, channels, outChannels, 8 + rng.nextInt(25));
            }
        }
    }

    private void check(WeightEncoding e, int channels, int outChannels, int inWidth) {
        int taps = 9;
        int[] codes = new int[outChannels * taps * channels];
        for (int i = 0; i < codes.length; i++) codes[i] = rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
        TapWeights w = TapWeights.pack(e, codes, outChannels, taps, channels);
        int ch = w.paddedChannels(), rows = 3;
        // one output row of inWidth − 2 pixels, rounded up to whole calls; the last call reads past the row
        // single-tile layers are also checked with the wide kernel
        boolean wide = w.tiles() == 1 && rng.nextBoolean();
        int step = wide ? FloatRowKernel.WIDE_PIXELS : FloatRowKernel.PIXELS;
        int outWidth = inWidth - 2, calls = (outWidth + step - 1) / step;
        float[] x = new float[(rows * inWidth + calls * step - outWidth) * ch];
        for (int yy = 0; yy < rows; yy++)
            for (int xx = 0; xx < inWidth; xx++)
                for (int c = 0; c < channels; c++) x[(yy * inWidth + xx) * ch + c] = rng.nextInt(256);
        int width = w.tiles() * TapWeights.LANES;
        float[] sums = new float[calls * step * width];
        for (int call = 0; call < calls; call++) {
            int r0 = call * step, tile = 0;
            if (wide) {
                FloatRowKernel.oneTileWide(w, 0, x, r0 * ch, inWidth * ch, sums, r0 * width, width);
                continue;
            }
            for (; tile + 2 <= w.tiles(); tile += 2)
                FloatRowKernel.twoTiles(w, tile, x, r0 * ch, inWidth * ch, sums, r0 * width + tile * TapWeights.LANES, width);
            if (tile < w.tiles()) FloatRowKernel.oneTile(w, tile, x, r0 * ch, inWidth * ch, sums, r0 * width + tile * TapWeights.LANES, width);
        }
        for (int p = 0; p < outWidth; p++) {
            for (int o = 0; o < outChannels; o++) {
                long expected = 0;
                for (int ki = 0; ki < 3; ki++)
                    for (int kj = 0; kj < 3; kj++)
                        for (int c = 0; c < channels; c++)
                            expected += (long) codes[(o * taps + ki * 3 + kj) * channels + c] * (long) x[(ki * inWidth + p + kj) * ch + c];
                assertEquals((float) expected, sums[p * width + o], e + " " + channels + "→" + outChannels + (wide ? " wide" : "") + " pixel " + p + " channel " + o);
            }
        }
    }
}
