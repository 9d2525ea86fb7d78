package dev.apprentice.quant.kernel;

/**
 * A 3×3 layer's non-zero weights as lists for {@link AddKernel}: per output channel, one group per
 * weight magnitude m (1 for ternary, 1..7 for int4), holding the taps whose weight is +m and then
 * those whose weight is −m. A tap is stored as c·9 + ki·3 + kj and turned into an offset into
 * planar input rows by {@link #offsets}. Zero weights appear nowhere: they cost nothing.
 */
public final class SignedTaps {
    public static final int KERNEL = 3;
    private static final int TAPS = KERNEL * KERNEL;

    final int outChannels, inChannels;
    /** Groups of output channel o: [channelGroups[o], channelGroups[o + 1]). */
    final int[] channelGroups;
    /** Group g: magnitude[g]; taps [start[g], negative[g]) weigh +m, [negative[g], start[g + 1]) weigh −m. */
    final int[] magnitude, start, negative;
    /** Taps of all groups, in group order, as c·9 + ki·3 + kj. */
    private final int[] taps;
    /** The offsets of the last geometry asked for, with that geometry (planes of planeSize, rows of rowWidth). */
    private volatile Offsets cached;

    private record Offsets(int planeSize, int rowWidth, int[] offsets) {}

    private SignedTaps(int outChannels, int inChannels, int[] channelGroups, int[] magnitude, int[] start, int[] negative, int[] taps) {
        this.outChannels = outChannels;
        this.inChannels = inChannels;
        this.channelGroups = channelGroups;
        this.magnitude = magnitude;
        this.start = start;
        this.negative = negative;
        this.taps = taps;
    }

    /** From OIHW integer codes (outChannels × inChannels·9), each within ±maxCode. */
    public static SignedTaps pack(int[] oihw, int outChannels, int inChannels, int maxCode) {
        int depth = inChannels * TAPS;
        if (oihw.length != (long) outChannels * depth)
            throw new IllegalArgumentException(oihw.length + " codes for " + outChannels + "×" + inChannels + "×3×3");
        int nonZero = 0, groups = 0;
        for (int o = 0; o < outChannels; o++) {
            boolean[] seen = new boolean[maxCode + 1];
            for (int k = 0; k < depth; k++) {
                int q = oihw[o * depth + k];
                if (q < -maxCode || q > maxCode) throw new IllegalArgumentException("code " + q + " outside ±" + maxCode);
                if (q != 0) {
                    nonZero++;
                    if (!seen[Math.abs(q)]) groups++;
                    seen[Math.abs(q)] = true;
                }
            }
        }
        int[] channelGroups = new int[outChannels + 1], magnitude = new int[groups], start = new int[groups + 1], negative = new int[groups];
        int[] taps = new int[nonZero];
        int g = 0, t = 0;
        for (int o = 0; o < outChannels; o++) {
            channelGroups[o] = g;
            for (int m = 1; m <= maxCode; m++) {
                int begin = t;
                for (int k = 0; k < depth; k++) if (oihw[o * depth + k] == m) taps[t++] = k;
                int mid = t;
                for (int k = 0; k < depth; k++) if (oihw[o * depth + k] == -m) taps[t++] = k;
                if (t == begin) continue;
                magnitude[g] = m;
                start[g] = begin;
                negative[g] = mid;
                g++;
            }
        }
        channelGroups[outChannels] = g;
        start[g] = t;
        return new SignedTaps(outChannels, inChannels, channelGroups, magnitude, start, negative, taps);
    }

    public int outChannels() {
        return outChannels;
    }

    public int inChannels() {
        return inChannels;
    }

    /** Non-zero weights in the layer (one list entry each). */
    public int entries() {
        return taps.length;
    }

    /**
     * Each tap's offset from an output pixel's top-left input in planar rows (channel c's plane at
     * c·planeSize, rows rowWidth apart), in list order. Cached for the last geometry: a network
     * calls a layer with one geometry.
     */
    public int[] offsets(int planeSize, int rowWidth) {
        Offsets c = cached;
        if (c != null && c.planeSize == planeSize && c.rowWidth == rowWidth) return c.offsets;
        int[] offsets = new int[taps.length];
        for (int i = 0; i < taps.length; i++) {
            int k = taps[i], ch = k / TAPS, tap = k % TAPS;
            offsets[i] = ch * planeSize + (tap / KERNEL) * rowWidth + tap % KERNEL;
        }
        cached = new Offsets(planeSize, rowWidth, offsets);
        return offsets;
    }
}
