package dev.apprentice.quant.kernel;

import dev.apprentice.quant.packed.WeightEncoding;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution's integer weight codes as a loaded packed model keeps them: the order of
 * {@link TapWeights} (16-channel tiles, then tap, then input channel), but each group of 16
 * output-channel codes packed into 16·bits bits (one int for ternary, two for int4, four for
 * int8), two's complement. {@link #decode} unpacks a layer into a caller's buffer right before its
 * convolution runs, so the resident model stays at the file's bits per weight while the kernels
 * read float codes (see {@link TapWeights} for why floats).
 *
 * <p>The decode is six vector instructions per 16 weights (load, lane permute, variable shift
 * left, arithmetic shift right, int→float, store): ResNet-20's largest layer (64×64×3×3) decodes
 * in a few microseconds, against hundreds for its convolution at batch 1.
 */
public final class TapCodes {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final int LANES = TapWeights.LANES;

    private final WeightEncoding encoding;
    private final int rows, taps, channels, paddedChannels, tiles, intsPerGroup;
    /** Group g (= (tile·taps + t)·paddedChannels + c) at words[g·intsPerGroup ..]; 16 ints of slack at the end for the 512-bit loads. */
    private final int[] words;
    /** Lane l's code sits in word l·bits/32 at bit (l·bits) mod 32: the permutation that brings it to lane l, and the shift that puts its top bit at bit 31. */
    private final VectorShuffle<Integer> wordOfLane;
    private final IntVector leftShift;

    private TapCodes(WeightEncoding encoding, int rows, int taps, int channels) {
        this.encoding = encoding;
        this.rows = rows;
        this.taps = taps;
        this.channels = channels;
        this.paddedChannels = TapWeights.paddedChannels(channels);
        this.tiles = TapWeights.tiles(rows);
        this.intsPerGroup = LANES * encoding.bits / 32;
        this.words = new int[Math.addExact(Math.multiplyExact(groups(), intsPerGroup), LANES)];
        int[] word = new int[LANES], shift = new int[LANES];
        for (int l = 0; l < LANES; l++) {
            word[l] = l * encoding.bits / 32;
            shift[l] = 32 - encoding.bits - (l * encoding.bits) % 32;
        }
        this.wordOfLane = VectorShuffle.fromArray(I, word, 0);
        this.leftShift = IntVector.fromArray(I, shift, 0);
    }

    /**
     * Packs codes given as rows × (taps · channels), each row in (tap, channel) order, each code
     * within ±encoding.maxCode (validated as for {@link TapWeights#pack}); padding channels and rows get zero codes.
     */
    public static TapCodes pack(WeightEncoding encoding, int[] codes, int rows, int taps, int channels) {
        TapWeights.checkCodes(encoding, codes, rows, taps, channels);
        TapCodes w = new TapCodes(encoding, rows, taps, channels);
        int depth = taps * channels, bits = encoding.bits, mask = (1 << bits) - 1;
        for (int o = 0; o < rows; o++) {
            int lane = o % LANES, word = lane * bits / 32, shift = (lane * bits) % 32;
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < channels; c++) {
                    int q = codes[o * depth + t * channels + c];
                    int group = ((o / LANES) * taps + t) * w.paddedChannels + c;
                    w.words[group * w.intsPerGroup + word] |= (q & mask) << shift;
                }
            }
        }
        return w;
    }

    /** Floats the decoded layer needs: {@link #decode}'s buffer must hold at least this many. */
    public int floats() {
        return groups() * LANES;
    }

    /** Bytes of the packed codes held (slack included). */
    public long bytes() {
        return 4L * words.length;
    }

    /** See {@link TapWeights#maxTapsPerPass}. */
    public int maxTapsPerPass(int maxActivation) {
        return TapWeights.maxTapsPerPass(encoding, taps, channels, maxActivation);
    }

    public WeightEncoding encoding() {
        return encoding;
    }

    /** Writes the layer's codes as floats into buf[0 .. floats()) and returns them as tap weights over buf. */
    public TapWeights decode(float[] buf) {
        if (buf.length < floats()) throw new IllegalArgumentException("buffer of " + buf.length + " floats for " + floats());
        IntVector right = IntVector.broadcast(I, 32 - encoding.bits);
        int groups = groups();
        for (int g = 0; g < groups; g++) {
            IntVector v = IntVector.fromArray(I, words, g * intsPerGroup).rearrange(wordOfLane);
            v = v.lanewise(VectorOperators.LSHL, leftShift).lanewise(VectorOperators.ASHR, right);
            ((FloatVector) v.convert(VectorOperators.I2F, 0)).intoArray(buf, g * LANES);
        }
        return TapWeights.over(encoding, rows, taps, channels, buf);
    }

    private int groups() {
        return Math.multiplyExact(Math.multiplyExact(tiles, taps), paddedChannels);
    }
}
