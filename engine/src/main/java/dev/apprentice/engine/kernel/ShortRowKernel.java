package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The integer member of the row-kernel family ({@link FloatRowKernel}'s scheme) for packed low-bit
 * convolutions, 3×3 at stride 1: activation codes (0..255) times weight codes (ternary or 4-bit) in
 * 16-bit lanes, twice the lanes of a float vector. Each call computes 7 or 8 consecutive output
 * pixels of one row × one tile of {@link #LANES} output channels; each broadcast activation feeds up
 * to three weight vectors (kernel columns 0, 1, 2). A product is exact in 16 bits; a 16-bit sum stays
 * exact for {@link #flushEvery} input-channel steps (three products each), then it is added into the
 * caller's int32 sums and restarted.
 *
 * <p>Weights are laid out by {@link #layOut}: tile, tap, input channel, then the tile's channels in
 * interleaved lanes (channel j of the first half in lane 2j, of the second half in lane 2j + 1), so
 * that a flush reads a vector of shorts as ints and splits each int into its low and high short with
 * two shifts: the first half's sums, then the second's, each in channel order. Integer sums are exact,
 * so any order gives the same result as the plain twin {@link ShortRowKernelScalar}.
 *
 * <p>Every vector stays in a local and every operation is spelled inline: a helper taking vectors
 * would box them.
 */
public final class ShortRowKernel {
    /** The kernel size this kernel is unrolled for. */
    public static final int KERNEL = 3;
    public static final int SEVEN_PIXELS = 7, EIGHT_PIXELS = 8;
    private static final VectorSpecies<Short> S = VectorWidth.SHORTS;
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    /** Output channels per tile: one vector of shorts. */
    public static final int LANES = S.length();
    private static final int HALF = LANES / 2;

    private ShortRowKernel() {}

    /**
     * Input-channel steps between flushes: each step adds three products of at most
     * maxActivation·maxWeight in magnitude to a sum, which must stay within ±32767 (e.g. 8-bit codes
     * and ternary weights: 255 per product, 128 products, 42 steps; 4-bit weights: 1785, 18 products,
     * 6 steps). Zero when not even one step is exact.
     */
    public static int flushEvery(int maxActivation, int maxWeight) {
        if (maxActivation < 1 || maxWeight < 1) throw new IllegalArgumentException("code bounds must be positive: " + maxActivation + ", " + maxWeight);
        return (int) (Short.MAX_VALUE / ((long) maxActivation * maxWeight) / KERNEL);
    }

    /** Pixels per call for rows ow wide: 7 or 8, whichever wastes fewer pixels past the row end (8 on a tie). */
    public static int rowStep(int ow) {
        return (ow + 6) / 7 * 7 - ow < (ow + 7) / 8 * 8 - ow ? SEVEN_PIXELS : EIGHT_PIXELS;
    }

    /** Tiles of {@link #LANES} channels for rows output channels. */
    public static int tiles(int rows) {
        return (rows + LANES - 1) / LANES;
    }

    /** The lane of channel j (0 ≤ j &lt; LANES) within its tile. */
    static int lane(int j) {
        return j < HALF ? 2 * j : 2 * (j - HALF) + 1;
    }

    /**
     * Weight codes given as rows × (9 taps · channels), each row in (tap, channel) order, into the
     * kernel's layout: q[((tile·9 + t)·channels + c)·LANES + lane(o mod LANES)]; zero past the last row.
     */
    public static short[] layOut(int[] codes, int rows, int channels) {
        int taps = KERNEL * KERNEL, depth = taps * channels;
        if (rows < 1 || channels < 1 || codes.length != (long) rows * depth)
            throw new IllegalArgumentException(codes.length + " codes for " + rows + " rows of " + taps + " taps × " + channels + " channels");
        short[] q = new short[Math.multiplyExact(tiles(rows) * LANES, depth)];
        for (int o = 0; o < rows; o++)
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < channels; c++) {
                    int code = codes[o * depth + t * channels + c];
                    if (code != (short) code) throw new IllegalArgumentException("weight code " + code + " does not fit 16 bits");
                    q[(((o / LANES) * taps + t) * channels + c) * LANES + lane(o % LANES)] = (short) code;
                }
        return q;
    }

    /**
     * Adds to sums[sOff + r·width + o] (width = tiles·LANES, o in channel order) the sums of the first
     * rowPixels pixels (a multiple of step, {@link #rowStep}) of the output row whose top-left tap is
     * at x[base], for all tiles. Pixel r reads kernel row ki, column kj, channel c at
     * x[base + ki·rowStride + (r + kj)·ch + c]; pixels past the row end read past it (the caller
     * leaves slack) and give sums to drop.
     */
    public static void row(short[] q, int ch, int tiles, int step, short[] x, int base, int rowStride, int rowPixels,
                           int flushEvery, int[] sums, int sOff, int width) {
        if (flushEvery < 1) throw new IllegalArgumentException("flushEvery must be at least 1, got " + flushEvery);
        if (!VectorWidth.VECTOR) {
            ShortRowKernelScalar.row(q, ch, tiles, x, base, rowStride, rowPixels, sums, sOff, width);
            return;
        }
        for (int r = 0; r < rowPixels; r += step) {
            int at = base + r * ch, s = sOff + r * width;
            for (int tile = 0; tile < tiles; tile++) {
                if (step == SEVEN_PIXELS) oneTileSeven(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
                else oneTileEight(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
            }
        }
    }

    /** One tile × 7 pixels: pixel r's sums added at sums[sOff + r·sStride ..]. */
    static void oneTileSeven(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, steps = KERNEL * ch;
        int x1 = ch, x2 = 2 * ch, x3 = 3 * ch, x4 = 4 * ch, x5 = 5 * ch, x6 = 6 * ch, x7 = 7 * ch, x8 = 8 * ch;
        int xi = base, wi = tile * KERNEL * KERNEL * tapShorts, c = 0;
        for (int s0 = 0; s0 < steps; s0 += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
            for (int s = s0, s1 = Math.min(steps, s0 + flushEvery); s < s1; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + x1]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + x2]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x3]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x4]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x5]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x6]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x7]);
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x8]);
                a6 = a6.add(v.mul(p2));
                xi++;
                wi += LANES;
                if (++c == ch) { // next kernel row: its first channel, its column-0 weights
                    c = 0;
                    xi += rowStride - ch;
                    wi += 2 * tapShorts;
                }
            }
            IntVector w;
            int at = sOff;
            w = a0.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a1.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a2.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a3.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a4.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a5.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a6.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
        }
    }

    /** One tile × 8 pixels: pixel r's sums added at sums[sOff + r·sStride ..]. */
    static void oneTileEight(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, steps = KERNEL * ch;
        int x1 = ch, x2 = 2 * ch, x3 = 3 * ch, x4 = 4 * ch, x5 = 5 * ch, x6 = 6 * ch, x7 = 7 * ch, x8 = 8 * ch, x9 = 9 * ch;
        int xi = base, wi = tile * KERNEL * KERNEL * tapShorts, c = 0;
        for (int s0 = 0; s0 < steps; s0 += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int s = s0, s1 = Math.min(steps, s0 + flushEvery); s < s1; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + x1]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + x2]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x3]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x4]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x5]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x6]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x7]);
                a7 = a7.add(v.mul(p0));
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x8]);
                a7 = a7.add(v.mul(p1));
                a6 = a6.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + x9]);
                a7 = a7.add(v.mul(p2));
                xi++;
                wi += LANES;
                if (++c == ch) { // next kernel row: its first channel, its column-0 weights
                    c = 0;
                    xi += rowStride - ch;
                    wi += 2 * tapShorts;
                }
            }
            IntVector w;
            int at = sOff;
            w = a0.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a1.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a2.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a3.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a4.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a5.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a6.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a7.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
        }
    }
}
