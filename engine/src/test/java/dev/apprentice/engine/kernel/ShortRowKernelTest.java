package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The int16 row kernel against its plain twin and a naive convolution loop, bit for bit: random codes
 * over ragged channel counts, partial tiles and rows that end mid-call; and the worst-case codes (every
 * activation 255 or 15, every weight ±maxCode of one sign) at the flush interval its bound allows,
 * where one more step would overflow 16 bits; and centred codes (−128..127 or −8..7, as the packed
 * network feeds them), whose worst case is every activation at the negative end.
 */
class ShortRowKernelTest {
    private final Random rng = new Random(11);

    @Test
    void randomCodesMatchTheTwinAndANaiveLoop() {
        for (int ch : new int[] {1, 3, 16, 17})
            for (int outChannels : new int[] {5, 16, 32, 33, 64})
                for (int inWidth : new int[] {9, 10, 16, 18, 30}) {
                    int maxAct = rng.nextBoolean() ? 255 : 15, maxW = rng.nextBoolean() ? 1 : 7;
                    check(ch, outChannels, inWidth, maxAct, maxW, false);
                }
    }

    @Test
    void worstCaseCodesStayExactAtTheFlushBound() {
        for (int maxAct : new int[] {255, 15})
            for (int maxW : new int[] {1, 7})
                for (int ch : new int[] {16, 64, 67})
                    for (int inWidth : new int[] {9, 16, 18}) check(ch, 2 * ShortRowKernel.LANES, inWidth, maxAct, maxW, true);
    }

    @Test
    void centredCodesStayExactAtTheFlushBound() {
        for (int magnitude : new int[] {128, 8})
            for (int maxW : new int[] {1, 7})
                for (int ch : new int[] {16, 64, 67})
                    for (boolean worst : new boolean[] {false, true}) check(ch, 2 * ShortRowKernel.LANES + 3, 16, -magnitude, maxW, worst);
    }

    /**
     * An activation for a test: maxAct ≥ 0 draws codes 0..maxAct (worst: maxAct); maxAct &lt; 0 draws centred
     * codes −|maxAct|..|maxAct| − 1 (worst: −|maxAct|, the largest magnitude).
     */
    private short activation(int maxAct, boolean worst) {
        if (maxAct >= 0) return (short) (worst ? maxAct : rng.nextInt(maxAct + 1));
        return (short) (worst ? maxAct : rng.nextInt(-2 * maxAct) + maxAct);
    }

    /** Two images in one vector (layers of at most half a vector of channels), random and worst-case codes, against the naive loop per image. */
    @Test
    void pairedImagesMatchTheTwinAndANaiveLoop() {
        for (int ch : new int[] {1, 16, 17, 64})
            for (int outChannels : new int[] {3, ShortRowKernel.PAIRED_CHANNELS, ShortRowKernel.PAIRED_CHANNELS + 5})
                for (int inWidth : new int[] {9, 10, 16, 30})
                    for (boolean worst : new boolean[] {false, true}) {
                        checkPaired(ch, outChannels, inWidth, worst ? 255 : 15, worst ? 7 : 1, worst);
                        checkPaired(ch, outChannels, inWidth, -128, worst ? 7 : 1, worst);
                    }
    }

    private void checkPaired(int ch, int outChannels, int inWidth, int maxAct, int maxW, boolean worst) {
        int outWidth = inWidth - 2, depth = 9 * ch;
        int[] codes = new int[outChannels * depth];
        for (int i = 0; i < codes.length; i++) codes[i] = worst ? (i / depth % 2 == 0 ? maxW : -maxW) : rng.nextInt(2 * maxW + 1) - maxW;
        short[] q = ShortRowKernel.layOutPaired(codes, outChannels, ch);
        int tiles = ShortRowKernel.pairedTiles(outChannels), width = tiles * ShortRowKernel.PAIRED_CHANNELS;
        int step = ShortRowKernel.rowStep(1, outWidth), rowPixels = (outWidth + step - 1) / step * step;
        int n = (3 * inWidth + rowPixels - outWidth) * ch;
        short[][] images = new short[2][n];
        int[] pairs = new int[n];
        for (int i = 0; i < n; i++) {
            images[0][i] = activation(maxAct, worst);
            images[1][i] = (short) (worst ? maxAct - Integer.signum(maxAct) : activation(maxAct, false));
            pairs[i] = ShortRowKernel.pair(images[0][i], images[1][i]);
        }
        int second = rowPixels * width + 5;
        int[] sums = new int[2 * second], twin = new int[sums.length];
        ShortRowKernel.pairedRow(q, ch, tiles, step, pairs, 0, inWidth * ch, rowPixels, ShortRowKernel.flushEvery(Math.abs(maxAct), maxW), sums, 0, width, second);
        ShortRowKernelScalar.pairedRow(q, ch, tiles, pairs, 0, inWidth * ch, rowPixels, twin, 0, width, second);
        for (int image = 0; image < 2; image++)
            for (int p = 0; p < outWidth; p++)
                for (int o = 0; o < outChannels; o++) {
                    int expect = 0;
                    for (int ki = 0; ki < 3; ki++)
                        for (int kj = 0; kj < 3; kj++)
                            for (int c = 0; c < ch; c++) expect += images[image][ki * inWidth * ch + (p + kj) * ch + c] * codes[o * depth + (ki * 3 + kj) * ch + c];
                    String what = "image " + image + " pixel " + p + " channel " + o + ", " + ch + "→" + outChannels + " over " + inWidth + (worst ? " (worst case)" : "");
                    assertEquals(expect, twin[image * second + p * width + o], "twin, " + what);
                    assertEquals(expect, sums[image * second + p * width + o], "kernel, " + what);
                }
    }

    /** Stride 2 (a ResNet stage's first layer): random and worst-case codes against the naive loop, every step. */
    @Test
    void strideTwoMatchesTheTwinAndANaiveLoop() {
        for (int ch : new int[] {1, 16, 17, 32})
            for (int outChannels : new int[] {5, 32, 64, 2 * ShortRowKernel.LANES + 3})
                for (int outWidth : new int[] {7, 8, 14, 15})
                    for (boolean worst : new boolean[] {false, true}) {
                        checkStrideTwo(ch, outChannels, outWidth, worst ? 255 : 15, worst ? 7 : 1, worst);
                        checkStrideTwo(ch, outChannels, outWidth, -128, worst ? 7 : 1, worst);
                    }
    }

    private void checkStrideTwo(int ch, int outChannels, int outWidth, int maxAct, int maxW, boolean worst) {
        int depth = 9 * ch, inWidth = 2 * outWidth + 1;
        int[] codes = new int[outChannels * depth];
        for (int i = 0; i < codes.length; i++) codes[i] = worst ? (i / depth % 2 == 0 ? maxW : -maxW) : rng.nextInt(2 * maxW + 1) - maxW;
        short[] q = ShortRowKernel.layOut(codes, outChannels, ch);
        int tiles = ShortRowKernel.tiles(outChannels), width = tiles * ShortRowKernel.LANES;
        int step = ShortRowKernel.strideTwoStep(outWidth), rowPixels = (outWidth + step - 1) / step * step;
        short[] x = new short[(2 * inWidth + 2 * rowPixels + 1) * ch];
        for (int i = 0; i < x.length; i++) x[i] = activation(maxAct, worst);
        int[] sums = new int[rowPixels * width], twin = new int[sums.length];
        ShortRowKernel.rowStrideTwo(q, ch, tiles, step, x, 0, inWidth * ch, rowPixels, ShortRowKernel.flushEvery(Math.abs(maxAct), maxW), sums, 0, width);
        ShortRowKernelScalar.row(q, ch, tiles, 2, x, 0, inWidth * ch, rowPixels, twin, 0, width);
        for (int p = 0; p < outWidth; p++)
            for (int o = 0; o < outChannels; o++) {
                int expect = 0;
                for (int ki = 0; ki < 3; ki++)
                    for (int kj = 0; kj < 3; kj++)
                        for (int c = 0; c < ch; c++) expect += x[ki * inWidth * ch + (2 * p + kj) * ch + c] * codes[o * depth + (ki * 3 + kj) * ch + c];
                String what = "pixel " + p + " channel " + o + ", " + ch + "→" + outChannels + " to " + outWidth + " wide" + (worst ? " (worst case)" : "");
                assertEquals(expect, twin[p * width + o], "twin, " + what);
                assertEquals(expect, sums[p * width + o], "kernel, " + what);
            }
    }

    @Test
    void flushIntervalsFollowFromTheCodeRanges() {
        assertEquals(42, ShortRowKernel.flushEvery(255, 1));   // 128 products of 255
        assertEquals(6, ShortRowKernel.flushEvery(255, 7));    // 18 products of 1785
        assertEquals(728, ShortRowKernel.flushEvery(15, 1));
        assertEquals(104, ShortRowKernel.flushEvery(15, 7));
        assertEquals(12, ShortRowKernel.flushEvery(128, 7));   // centred 8-bit codes: 36 products of 896
        assertEquals(85, ShortRowKernel.flushEvery(128, 1));
        assertEquals(0, ShortRowKernel.flushEvery(255, 127));  // 8-bit weights: not even one step
        assertThrows(IllegalArgumentException.class, () -> ShortRowKernel.flushEvery(0, 1));
        boolean wide = dev.apprentice.engine.vector.VectorWidth.REGISTERS >= 32;
        assertEquals(wide ? ShortRowKernel.FOURTEEN_PIXELS : ShortRowKernel.SEVEN_PIXELS, ShortRowKernel.rowStep(1, 28));
        assertEquals(ShortRowKernel.SEVEN_PIXELS, ShortRowKernel.rowStep(2, 28));
        assertEquals(ShortRowKernel.SEVEN_PIXELS, ShortRowKernel.rowStep(1, 7));
        assertEquals(ShortRowKernel.EIGHT_PIXELS, ShortRowKernel.rowStep(1, 32));
        assertEquals(wide ? ShortRowKernel.FOURTEEN_PIXELS : ShortRowKernel.EIGHT_PIXELS, ShortRowKernel.rowStep(1, 56));
    }

    private void check(int ch, int outChannels, int inWidth, int maxAct, int maxW, boolean worst) {
        int taps = 9, outWidth = inWidth - 2, depth = taps * ch;
        int[] codes = new int[outChannels * depth];
        for (int i = 0; i < codes.length; i++) codes[i] = worst ? (i / depth % 2 == 0 ? maxW : -maxW) : rng.nextInt(2 * maxW + 1) - maxW;
        short[] q = ShortRowKernel.layOut(codes, outChannels, ch);
        int tiles = ShortRowKernel.tiles(outChannels), width = tiles * ShortRowKernel.LANES;
        int step = ShortRowKernel.rowStep(tiles, outWidth), rowPixels = (outWidth + step - 1) / step * step;
        short[] x = new short[(3 * inWidth + rowPixels - outWidth) * ch];
        for (int i = 0; i < x.length; i++) x[i] = activation(maxAct, worst);
        int flush = ShortRowKernel.flushEvery(Math.abs(maxAct), maxW);
        int[] sums = new int[rowPixels * width + 3], twin = new int[sums.length];
        sums[0] = twin[0] = 7; // the kernel adds to what is there
        ShortRowKernel.row(q, ch, tiles, step, x, 0, inWidth * ch, rowPixels, flush, sums, 3, width);
        ShortRowKernelScalar.row(q, ch, tiles, x, 0, inWidth * ch, rowPixels, twin, 3, width);
        String what = ch + "→" + outChannels + " over " + inWidth + ", codes ≤ " + maxAct + "·" + maxW + (worst ? " (worst case)" : "");
        int[] naive = new int[outWidth * outChannels];
        for (int p = 0; p < outWidth; p++)
            for (int o = 0; o < outChannels; o++) {
                int s = 0;
                for (int ki = 0; ki < 3; ki++)
                    for (int kj = 0; kj < 3; kj++)
                        for (int c = 0; c < ch; c++) s += x[ki * inWidth * ch + (p + kj) * ch + c] * codes[o * depth + (ki * 3 + kj) * ch + c];
                naive[p * outChannels + o] = s;
            }
        int[] got = new int[naive.length], twinGot = new int[naive.length];
        for (int p = 0; p < outWidth; p++)
            for (int o = 0; o < outChannels; o++) {
                got[p * outChannels + o] = sums[3 + p * width + o];
                twinGot[p * outChannels + o] = twin[3 + p * width + o];
            }
        assertArrayEquals(naive, twinGot, "twin vs naive loop, " + what);
        assertArrayEquals(naive, got, "kernel vs naive loop, " + what);
        assertEquals(7, sums[0], "wrote before its offset");
        if (worst) assertEquals((long) Math.abs(maxAct) * maxW * depth, Math.abs((long) naive[0]), "the worst case sums every product with one sign");
    }
}
