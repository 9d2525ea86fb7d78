package dev.apprentice.quant.kernel;

import dev.apprentice.quant.WeightEncoding;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution's integer weight codes as a loaded packed model keeps them: groups of 16 output
 * channels, then tap, then input channel, each group's 16 codes packed into 16·bits bits (one int
 * for ternary, two for int4, four for int8), two's complement. With 16-lane vectors a group is
 * exactly a {@link TapWeights} tile; with narrower ones the plain twin {@link #decodeScalar} places
 * each code in its tile of L. {@link #decode} unpacks a layer into a caller's buffer right before its
 * convolution runs, so the resident model stays at the file's bits per weight while the kernels
 * read float codes (see {@link TapWeights} for why floats).
 *
 * <p>The decode is six vector instructions per 16 weights (load, lane permute, variable shift
 * left, arithmetic shift right, int→float, store): ResNet-20's largest layer (64×64×3×3) decodes
 * in a few microseconds, against hundreds for its convolution at batch 1.
 */
public final class TapCodes {
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    /** Output channels per code group (whatever the vector width, so a layer keeps the file's bits per weight). */
    private static final int GROUP = 16;
    private static final int LANES = TapWeights.LANES;
    /** Whether a code group is one vector of ints: the vector decode applies. */
    private static final boolean VECTOR_DECODE = VectorWidth.VECTOR && LANES == GROUP;

    private final WeightEncoding encoding;
    private final int rows, taps, channels, paddedChannels, codeGroups, intsPerGroup;
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
        this.codeGroups = (rows + GROUP - 1) / GROUP;
        this.intsPerGroup = GROUP * encoding.bits / 32;
        this.words = new int[Math.addExact(Math.multiplyExact(groups(), intsPerGroup), GROUP)];
        int[] word = new int[GROUP], shift = new int[GROUP];
        for (int l = 0; l < GROUP; l++) {
            word[l] = l * encoding.bits / 32;
            shift[l] = 32 - encoding.bits - (l * encoding.bits) % 32;
        }
        this.wordOfLane = VECTOR_DECODE ? VectorShuffle.fromArray(I, word, 0) : null;
        this.leftShift = VECTOR_DECODE ? IntVector.fromArray(I, shift, 0) : null;
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
            int lane = o % GROUP, word = lane * bits / 32, shift = (lane * bits) % 32;
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < channels; c++) {
                    int q = codes[o * depth + t * channels + c];
                    int group = ((o / GROUP) * taps + t) * w.paddedChannels + c;
                    w.words[group * w.intsPerGroup + word] |= (q & mask) << shift;
                }
            }
        }
        return w;
    }

    /** Floats the decoded layer needs: {@link #decode}'s buffer must hold at least this many. */
    public int floats() {
        return Math.multiplyExact(Math.multiplyExact(TapWeights.tiles(rows) * LANES, taps), paddedChannels);
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
        if (!VECTOR_DECODE) return decodeScalar(buf);
        IntVector right = IntVector.broadcast(I, 32 - encoding.bits);
        int groups = groups();
        for (int g = 0; g < groups; g++) {
            IntVector v = IntVector.fromArray(I, words, g * intsPerGroup).rearrange(wordOfLane);
            v = v.lanewise(VectorOperators.LSHL, leftShift).lanewise(VectorOperators.ASHR, right);
            ((FloatVector) v.convert(VectorOperators.I2F, 0)).intoArray(buf, g * GROUP);
        }
        return TapWeights.over(encoding, rows, taps, channels, buf);
    }

    /** The plain twin of {@link #decode}: each code by shifts of its word, into its tile of L (zeros past the last row). */
    TapWeights decodeScalar(float[] buf) {
        java.util.Arrays.fill(buf, 0, floats(), 0f);
        int bits = encoding.bits;
        for (int o = 0; o < rows; o++) {
            int l = o % GROUP, left = 32 - bits - (l * bits) % 32;
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < paddedChannels; c++) {
                    int word = words[(((o / GROUP) * taps + t) * paddedChannels + c) * intsPerGroup + l * bits / 32];
                    buf[(((o / LANES) * taps + t) * paddedChannels + c) * LANES + o % LANES] = (word << left) >> (32 - bits);
                }
        }
        return TapWeights.over(encoding, rows, taps, channels, buf);
    }

    private int groups() {
        return Math.multiplyExact(Math.multiplyExact(codeGroups, taps), paddedChannels);
    }
}
