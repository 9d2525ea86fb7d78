package dev.apprentice.quant.kernel;

import dev.apprentice.engine.kernel.FloatRowKernel;
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
                for (int outChannels : new int[] {5, 16, 32, 33, 64})
                    for (int rep = 0; rep < 2; rep++) check(e, channels, outChannels, 8 + rng.nextInt(25));
            }
        }
    }

    private void check(WeightEncoding e, int channels, int outChannels, int inWidth) {
        int taps = 9;
        int[] codes = new int[outChannels * taps * channels];
        for (int i = 0; i < codes.length; i++) codes[i] = rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
        TapWeights w = TapWeights.pack(e, codes, outChannels, taps, channels);
        // one output row of inWidth − 2 pixels, rounded up to whole calls; the last call reads past the row.
        // every pixel count the layer's tile count allows: 8; 16 and 14 for one tile; 7 for an even number
        int[] steps = w.tiles() == 1 ? new int[] {FloatRowKernel.PIXELS, FloatRowKernel.WIDE_PIXELS, FloatRowKernel.FOURTEEN_PIXELS}
                : w.tiles() % 2 == 0 ? new int[] {FloatRowKernel.PIXELS, FloatRowKernel.SEVEN_PIXELS} : new int[] {FloatRowKernel.PIXELS};
        for (int step : steps) check(e, w, codes, channels, outChannels, inWidth, step);
    }

    private void check(WeightEncoding e, TapWeights w, int[] codes, int channels, int outChannels, int inWidth, int step) {
        int ch = w.paddedChannels(), rows = 3, taps = 9;
        int outWidth = inWidth - 2, calls = (outWidth + step - 1) / step;
        float[] x = new float[(rows * inWidth + calls * step - outWidth) * ch];
        for (int yy = 0; yy < rows; yy++)
            for (int xx = 0; xx < inWidth; xx++)
                for (int c = 0; c < channels; c++) x[(yy * inWidth + xx) * ch + c] = rng.nextInt(256);
        int width = w.tiles() * TapWeights.LANES;
        float[] sums = new float[calls * step * width];
        for (int call = 0; call < calls; call++) {
            int r0 = call * step, tile = 0;
            switch (step) {
                case FloatRowKernel.WIDE_PIXELS -> FloatRowKernel.oneTileWide(w.floats(), w.paddedChannels(), w.taps(), 0, x, r0 * ch, inWidth * ch, sums, r0 * width, width);
                case FloatRowKernel.FOURTEEN_PIXELS -> FloatRowKernel.oneTileFourteen(w.floats(), w.paddedChannels(), w.taps(), 0, x, r0 * ch, inWidth * ch, sums, r0 * width, width);
                case FloatRowKernel.SEVEN_PIXELS -> {
                    for (; tile < w.tiles(); tile += 2)
                        FloatRowKernel.twoTilesSeven(w.floats(), w.paddedChannels(), w.taps(), tile, x, r0 * ch, inWidth * ch, sums, r0 * width + tile * TapWeights.LANES, width);
                }
                default -> {
                    for (; tile + 2 <= w.tiles(); tile += 2)
                        FloatRowKernel.twoTiles(w.floats(), w.paddedChannels(), w.taps(), tile, x, r0 * ch, inWidth * ch, sums, r0 * width + tile * TapWeights.LANES, width);
                    if (tile < w.tiles()) FloatRowKernel.oneTile(w.floats(), w.paddedChannels(), w.taps(), tile, x, r0 * ch, inWidth * ch, sums, r0 * width + tile * TapWeights.LANES, width);
                }
            }
        }
        for (int p = 0; p < outWidth; p++) {
            for (int o = 0; o < outChannels; o++) {
                long expected = 0;
                for (int ki = 0; ki < 3; ki++)
                    for (int kj = 0; kj < 3; kj++)
                        for (int c = 0; c < channels; c++)
                            expected += (long) codes[(o * taps + ki * 3 + kj) * channels + c] * (long) x[(ki * inWidth + p + kj) * ch + c];
                assertEquals((float) expected, sums[p * width + o], e + " " + channels + "→" + outChannels + " by " + step + " pixel " + p + " channel " + o);
            }
        }
    }
}
