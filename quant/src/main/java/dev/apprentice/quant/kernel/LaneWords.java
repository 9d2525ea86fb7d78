package dev.apprentice.quant.kernel;

import dev.apprentice.quant.packed.WeightEncoding;

/**
 * A convolution's weight codes re-packed for {@link FloatTapKernel}: output channels in tiles of
 * 16 (one 512-bit vector of lanes), and per tile, per kernel tap, the tap's channels as 32-bit
 * words, one word per output channel, each holding {@link #perWord} codes of {@link #bits} bits
 * in two's complement (ternary: 16 codes of 2 bits, int4: 8 of 4, int8: 4 of 8) — so memory keeps
 * the file's density (2, 4 or 8 bits a weight) and a 64-byte load brings 16 channels × perWord
 * input channels, decoded in registers by shifts and a conversion.
 *
 * <p>Layout: words[((tile·taps + t)·groups + g)·16 + lane] holds the codes of output channel
 * tile·16 + lane for input channels g·perWord + j, j &lt; perWord, of tap t, code j in the bits
 * [32 − (j+1)·bits, 32 − j·bits): the first code on top, so the kernel reads code j as
 * (word &lt;&lt; j·bits) &gt;&gt; (32 − bits) and moves to the next by one more shift of bits. Channels are padded to {@link #paddedChannels} (a multiple of perWord)
 * and output channels to a multiple of 16, with zero codes.
 */
public final class LaneWords {
    /** Output channels per tile: the lanes of a 512-bit float vector. */
    public static final int LANES = 16;

    private final WeightEncoding encoding;
    final int rows, taps, channels, bits, perWord, paddedChannels, groups, tiles;
    final int[] words;

    private LaneWords(WeightEncoding encoding, int rows, int taps, int channels) {
        this.encoding = encoding;
        this.rows = rows;
        this.taps = taps;
        this.channels = channels;
        this.bits = encoding.bits;
        this.perWord = 32 / bits;
        this.paddedChannels = (channels + perWord - 1) / perWord * perWord;
        this.groups = paddedChannels / perWord;
        this.tiles = (rows + LANES - 1) / LANES;
        this.words = new int[Math.multiplyExact(Math.multiplyExact(tiles * LANES, taps), groups)];
    }

    /**
     * Packs codes given as rows × (taps · channels), each row in (tap, channel) order, each code
     * within ±encoding.maxCode (validated).
     */
    public static LaneWords pack(WeightEncoding encoding, int[] codes, int rows, int taps, int channels) {
        if (encoding == WeightEncoding.F32) throw new IllegalArgumentException("F32 weights have no integer kernel");
        if (rows < 1 || taps < 1 || channels < 1 || codes.length != (long) rows * taps * channels)
            throw new IllegalArgumentException(codes.length + " codes for " + rows + " rows of " + taps + " taps × " + channels + " channels");
        LaneWords w = new LaneWords(encoding, rows, taps, channels);
        int mask = (1 << w.bits) - 1, depth = taps * channels;
        for (int o = 0; o < rows; o++) {
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < channels; c++) {
                    int q = codes[o * depth + t * channels + c];
                    if (Math.abs(q) > encoding.maxCode) throw new IllegalArgumentException("code " + q + " is not a valid " + encoding + " code");
                    int g = c / w.perWord, j = c % w.perWord;
                    w.words[(((o / LANES) * taps + t) * w.groups + g) * LANES + o % LANES] |= (q & mask) << (32 - (j + 1) * w.bits);
                }
            }
        }
        return w;
    }

    public WeightEncoding encoding() {
        return encoding;
    }

    /** Output channels (unpadded). */
    public int rows() {
        return rows;
    }

    public int tiles() {
        return tiles;
    }

    public int taps() {
        return taps;
    }

    /** Input channels per tap as the kernel reads them: activations must be laid out with this many per pixel. */
    public int paddedChannels() {
        return paddedChannels;
    }

    /**
     * The most taps one kernel pass may sum in float and stay exact: every partial sum is an
     * integer of magnitude at most maxCode · maxActivation · taps · channels, exact in float up
     * to 2^24. Ternary and int4 layers of any realistic size take all their taps in one pass
     * (int4 up to K = 9398 at 8-bit activations); int8 splits deep layers (K ≤ 518 a pass).
     * Returns 0 when not even one tap fits.
     */
    public int maxTapsPerPass(int maxActivation) {
        long perTap = (long) encoding.maxCode * Math.max(1, maxActivation) * channels;
        return (int) Math.min(taps, (1L << 24) / perTap);
    }
}
