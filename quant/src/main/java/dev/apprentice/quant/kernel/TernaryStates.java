package dev.apprentice.quant.kernel;

import dev.apprentice.quant.packed.WeightEncoding;

/**
 * Ternary convolution weights for {@link TernaryTapKernel}: each group of three input channels of
 * a kernel tap is one of 27 weight states (base-3 digits q + 1), one byte per output channel
 * (2.67 bits a weight), in blocks of 32 output channels (the 32 short lanes of one vpermw):
 * states[((block·taps + t)·groups + g)·32 + lane]. Channels are padded to a multiple of 3 and
 * output channels to a multiple of 32 with zero weights (state 13).
 */
public final class TernaryStates {
    /** Output channels per block: the lanes of a 512-bit short vector. */
    public static final int LANES = 32;
    /** The state of three zero weights: digits (q + 1) = 1, 1, 1 in base 3. */
    static final byte ZERO_STATE = 13;

    final int rows, taps, channels, groups, blocks;
    final byte[] states;

    private TernaryStates(int rows, int taps, int channels) {
        this.rows = rows;
        this.taps = taps;
        this.channels = channels;
        this.groups = (channels + 2) / 3;
        this.blocks = (rows + LANES - 1) / LANES;
        this.states = new byte[Math.multiplyExact(Math.multiplyExact(blocks * LANES, taps), groups)];
    }

    /** Codes (−1, 0, 1; validated) as rows × (taps · channels), each row in (tap, channel) order. */
    public static TernaryStates pack(int[] codes, int rows, int taps, int channels) {
        if (rows < 1 || taps < 1 || channels < 1 || codes.length != (long) rows * taps * channels)
            throw new IllegalArgumentException(codes.length + " codes for " + rows + " rows of " + taps + " taps × " + channels + " channels");
        TernaryStates w = new TernaryStates(rows, taps, channels);
        java.util.Arrays.fill(w.states, ZERO_STATE);
        int depth = taps * channels;
        for (int o = 0; o < rows; o++) {
            for (int t = 0; t < taps; t++) {
                for (int g = 0; g < w.groups; g++) {
                    int state = 0;
                    for (int j = 2; j >= 0; j--) {
                        int c = 3 * g + j, q = c < channels ? codes[o * depth + t * channels + c] : 0;
                        if (Math.abs(q) > WeightEncoding.TERNARY.maxCode) throw new IllegalArgumentException("code " + q + " is not a valid TERNARY code");
                        state = 3 * state + q + 1;
                    }
                    w.states[(((o / LANES) * taps + t) * w.groups + g) * LANES + o % LANES] = (byte) state;
                }
            }
        }
        return w;
    }

    public int rows() {
        return rows;
    }

    public int blocks() {
        return blocks;
    }

    public int taps() {
        return taps;
    }

    /** Groups of three input channels per tap: a pixel has this many tables. */
    public int groups() {
        return groups;
    }
}
