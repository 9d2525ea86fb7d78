package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The integer member of the row-kernel family ({@link FloatRowKernel}'s scheme) for packed low-bit
 * convolutions, 3×3 at stride 1: activation codes (0..255) times weight codes (ternary or 4-bit) in
 * 16-bit lanes, twice the lanes of a float vector. Each call computes 7, 8 or 14 consecutive output
 * pixels of one row × one tile of {@link #LANES} output channels, or 7 pixels × two tiles (the last two
 * with 32 registers); each broadcast activation feeds up to three weight vectors (kernel columns 0, 1, 2)
 * of each tile. A product is exact in 16 bits; a 16-bit sum stays
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
 * would box them. The unrolled methods are written by engine/tools/short_row_kernels.py.
 */
public final class ShortRowKernel {
    /** The kernel size this kernel is unrolled for. */
    public static final int KERNEL = 3;
    public static final int SEVEN_PIXELS = 7, EIGHT_PIXELS = 8, FOURTEEN_PIXELS = 14;
    private static final VectorSpecies<Short> S = VectorWidth.SHORTS;
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    /** Output channels per tile: one vector of shorts. */
    public static final int LANES = S.length();
    private static final int HALF = LANES / 2;
    /** Output channels of a paired tile ({@link #pairedRow}): half a vector of shorts, each channel in two lanes. */
    public static final int PAIRED_CHANNELS = HALF;
    /** Whether the kernels with more than 16 live vectors fit the registers (32 of them). */
    private static final boolean WIDE = VectorWidth.REGISTERS >= 32;

    private ShortRowKernel() {}

    /**
     * Input-channel steps between flushes: each step adds three products of at most
     * maxActivation·maxWeight in magnitude (maxActivation: the activations' largest magnitude) to a
     * sum, which must stay within ±32767 (e.g. 8-bit codes 0..255 and ternary weights: 255 per product,
     * 128 products, 42 steps; 4-bit weights: 1785, 18 products, 6 steps; the same codes centred to
     * −128..127: 896, 36 products, 12 steps). Zero when not even one step is exact.
     */
    public static int flushEvery(int maxActivation, int maxWeight) {
        if (maxActivation < 1 || maxWeight < 1) throw new IllegalArgumentException("code bounds must be positive: " + maxActivation + ", " + maxWeight);
        return (int) (Short.MAX_VALUE / ((long) maxActivation * maxWeight) / KERNEL);
    }

    /**
     * Pixels per call for rows ow wide and a layer of the given tiles: the count that wastes the fewest
     * pixels past the row end, the larger on a tie; 14 (one tile) and 7 a pair of tiles at a time only
     * with 32 registers.
     */
    public static int rowStep(int tiles, int ow) {
        int[] steps = !WIDE ? new int[] {EIGHT_PIXELS, SEVEN_PIXELS}
                : tiles == 1 ? new int[] {FOURTEEN_PIXELS, EIGHT_PIXELS, SEVEN_PIXELS}
                : new int[] {EIGHT_PIXELS, SEVEN_PIXELS};
        return FloatRowKernel.fewestWasted(ow, steps);
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

    /** Paired tiles (of {@link #PAIRED_CHANNELS} channels, two images in one vector) for rows output channels. */
    public static int pairedTiles(int rows) {
        return (rows + PAIRED_CHANNELS - 1) / PAIRED_CHANNELS;
    }

    /**
     * The layout of {@link #pairedRow}: channel j of a paired tile in lanes 2j and 2j + 1 (one for each
     * image): q[((tile·9 + t)·channels + c)·LANES + 2j + image] = the code of output channel
     * tile·PAIRED_CHANNELS + j; zero past the last row.
     */
    public static short[] layOutPaired(int[] codes, int rows, int channels) {
        int taps = KERNEL * KERNEL, depth = taps * channels;
        if (rows < 1 || channels < 1 || codes.length != (long) rows * depth)
            throw new IllegalArgumentException(codes.length + " codes for " + rows + " rows of " + taps + " taps × " + channels + " channels");
        short[] q = new short[Math.multiplyExact(pairedTiles(rows) * LANES, depth)];
        for (int o = 0; o < rows; o++)
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < channels; c++) {
                    int code = codes[o * depth + t * channels + c];
                    if (code != (short) code) throw new IllegalArgumentException("weight code " + code + " does not fit 16 bits");
                    int at = (((o / PAIRED_CHANNELS) * taps + t) * channels + c) * LANES + 2 * (o % PAIRED_CHANNELS);
                    q[at] = q[at + 1] = (short) code;
                }
        return q;
    }

    /** Two images' codes in one int, as {@link #pairedRow} reads them: the first image's in the low 16 bits. */
    public static int pair(int first, int second) {
        return (first & 0xffff) | second << 16;
    }

    /**
     * {@link #row} for two images at once, for layers of at most {@link #PAIRED_CHANNELS} output
     * channels per tile, whose one-image tiles would leave half the lanes empty: x holds both images'
     * rows as {@link #pair}s, each broadcast int puts the two images' codes in alternate lanes, and the
     * weights ({@link #layOutPaired}) repeat each channel's code in both. Adds the first image's sums
     * at sums[sOff + r·width + o] and the second's at secondOff past them (width = pairedTiles·PAIRED_CHANNELS).
     */
    public static void pairedRow(short[] q, int ch, int tiles, int step, int[] x, int base, int rowStride, int rowPixels,
                                 int flushEvery, int[] sums, int sOff, int width, int secondOff) {
        if (flushEvery < 1) throw new IllegalArgumentException("flushEvery must be at least 1, got " + flushEvery);
        if (!VectorWidth.VECTOR) {
            ShortRowKernelScalar.pairedRow(q, ch, tiles, x, base, rowStride, rowPixels, sums, sOff, width, secondOff);
            return;
        }
        for (int r = 0; r < rowPixels; r += step) {
            int at = base + r * ch, s = sOff + r * width;
            for (int tile = 0; tile < tiles; tile++) {
                int o = s + tile * PAIRED_CHANNELS;
                if (step == FOURTEEN_PIXELS) pairedFourteen(q, ch, tile, x, at, rowStride, flushEvery, sums, o, width, secondOff);
                else if (step == SEVEN_PIXELS) pairedSeven(q, ch, tile, x, at, rowStride, flushEvery, sums, o, width, secondOff);
                else pairedEight(q, ch, tile, x, at, rowStride, flushEvery, sums, o, width, secondOff);
            }
        }
    }

    /** Pixels per call for stride-2 rows ow wide: 7 or 8 (and 7 a pair of tiles with 32 registers), the fewest wasted, 8 on a tie. */
    public static int strideTwoStep(int ow) {
        return FloatRowKernel.fewestWasted(ow, EIGHT_PIXELS, SEVEN_PIXELS);
    }

    /**
     * {@link #row} at stride 2: output pixel r of the row reads kernel column kj at input column
     * 2r + kj, i.e. x[base + ki·rowStride + (2r + kj)·ch + c]; step from {@link #strideTwoStep}.
     */
    public static void rowStrideTwo(short[] q, int ch, int tiles, int step, short[] x, int base, int rowStride, int rowPixels,
                                    int flushEvery, int[] sums, int sOff, int width) {
        if (flushEvery < 1) throw new IllegalArgumentException("flushEvery must be at least 1, got " + flushEvery);
        if (!VectorWidth.VECTOR) {
            ShortRowKernelScalar.row(q, ch, tiles, 2, x, base, rowStride, rowPixels, sums, sOff, width);
            return;
        }
        for (int r = 0; r < rowPixels; r += step) {
            int at = base + 2 * r * ch, s = sOff + r * width, tile = 0;
            if (WIDE && step == SEVEN_PIXELS)
                for (; tile + 2 <= tiles; tile += 2) strideTwoTwoTilesSeven(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
            for (; tile < tiles; tile++) {
                if (step == SEVEN_PIXELS) strideTwoSeven(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
                else strideTwoEight(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
            }
        }
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
            int tile = 0;
            if (step == FOURTEEN_PIXELS) for (; tile < tiles; tile++) oneTileFourteen(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
            if (WIDE && step == SEVEN_PIXELS)
                for (; tile + 2 <= tiles; tile += 2) twoTilesSeven(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
            for (; tile < tiles; tile++) {
                if (step == SEVEN_PIXELS) oneTileSeven(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
                else oneTileEight(q, ch, tile, x, at, rowStride, flushEvery, sums, s + tile * LANES, width);
            }
        }
    }

    /** One tile × 7 pixels: pixel r's sums added at sums[sOff + r·sStride ..]. */
    static void oneTileSeven(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + ch]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 2 * ch]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 3 * ch]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 4 * ch]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 5 * ch]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 6 * ch]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 7 * ch]);
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 8 * ch]);
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

    /** One tile × 8 pixels (as {@link #oneTileSeven}). */
    static void oneTileEight(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + ch]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 2 * ch]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 3 * ch]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 4 * ch]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 5 * ch]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 6 * ch]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 7 * ch]);
                a7 = a7.add(v.mul(p0));
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 8 * ch]);
                a7 = a7.add(v.mul(p1));
                a6 = a6.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 9 * ch]);
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

    /** One tile × 14 pixels (32 registers: 14 sums, 3 weight vectors, a broadcast): half the broadcasts per product of 7. */
    static void oneTileFourteen(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + ch]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 2 * ch]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 3 * ch]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 4 * ch]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 5 * ch]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 6 * ch]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 7 * ch]);
                a7 = a7.add(v.mul(p0));
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 8 * ch]);
                a8 = a8.add(v.mul(p0));
                a7 = a7.add(v.mul(p1));
                a6 = a6.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 9 * ch]);
                a9 = a9.add(v.mul(p0));
                a8 = a8.add(v.mul(p1));
                a7 = a7.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 10 * ch]);
                a10 = a10.add(v.mul(p0));
                a9 = a9.add(v.mul(p1));
                a8 = a8.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 11 * ch]);
                a11 = a11.add(v.mul(p0));
                a10 = a10.add(v.mul(p1));
                a9 = a9.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 12 * ch]);
                a12 = a12.add(v.mul(p0));
                a11 = a11.add(v.mul(p1));
                a10 = a10.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 13 * ch]);
                a13 = a13.add(v.mul(p0));
                a12 = a12.add(v.mul(p1));
                a11 = a11.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 14 * ch]);
                a13 = a13.add(v.mul(p1));
                a12 = a12.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 15 * ch]);
                a13 = a13.add(v.mul(p2));
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
            at += sStride;
            w = a8.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a9.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a10.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a11.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a12.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
            at += sStride;
            w = a13.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
        }
    }

    /** Tiles tile and tile + 1 × 7 pixels (32 registers): each broadcast feeds both tiles. */
    static void twoTilesSeven(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts;
        for (int ki = 0; ki < KERNEL; ki++) {
            int x0 = base + ki * rowStride, w0 = (tile * KERNEL + ki) * KERNEL * tapShorts;
            int w1 = w0 + tapShorts, w2 = w0 + 2 * tapShorts, w3 = w0 + tileShorts, w4 = w1 + tileShorts, w5 = w2 + tileShorts;
            for (int c = 0; c < ch; c += flushEvery) { // chunks of flushEvery steps from each kernel row's start
                ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0;
                for (int cc = c, end = Math.min(ch, c + flushEvery); cc < end; cc++) {
                    int cl = cc * LANES;
                    ShortVector p0 = ShortVector.fromArray(S, q, w0 + cl), p1 = ShortVector.fromArray(S, q, w1 + cl), p2 = ShortVector.fromArray(S, q, w2 + cl);
                    ShortVector s0 = ShortVector.fromArray(S, q, w3 + cl), s1 = ShortVector.fromArray(S, q, w4 + cl), s2 = ShortVector.fromArray(S, q, w5 + cl);
                    ShortVector v;
                    v = ShortVector.broadcast(S, x[x0 + cc]);
                    a0 = a0.add(v.mul(p0));
                    c0 = c0.add(v.mul(s0));
                    v = ShortVector.broadcast(S, x[x0 + cc + ch]);
                    a1 = a1.add(v.mul(p0));
                    c1 = c1.add(v.mul(s0));
                    a0 = a0.add(v.mul(p1));
                    c0 = c0.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 2 * ch]);
                    a2 = a2.add(v.mul(p0));
                    c2 = c2.add(v.mul(s0));
                    a1 = a1.add(v.mul(p1));
                    c1 = c1.add(v.mul(s1));
                    a0 = a0.add(v.mul(p2));
                    c0 = c0.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 3 * ch]);
                    a3 = a3.add(v.mul(p0));
                    c3 = c3.add(v.mul(s0));
                    a2 = a2.add(v.mul(p1));
                    c2 = c2.add(v.mul(s1));
                    a1 = a1.add(v.mul(p2));
                    c1 = c1.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 4 * ch]);
                    a4 = a4.add(v.mul(p0));
                    c4 = c4.add(v.mul(s0));
                    a3 = a3.add(v.mul(p1));
                    c3 = c3.add(v.mul(s1));
                    a2 = a2.add(v.mul(p2));
                    c2 = c2.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 5 * ch]);
                    a5 = a5.add(v.mul(p0));
                    c5 = c5.add(v.mul(s0));
                    a4 = a4.add(v.mul(p1));
                    c4 = c4.add(v.mul(s1));
                    a3 = a3.add(v.mul(p2));
                    c3 = c3.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 6 * ch]);
                    a6 = a6.add(v.mul(p0));
                    c6 = c6.add(v.mul(s0));
                    a5 = a5.add(v.mul(p1));
                    c5 = c5.add(v.mul(s1));
                    a4 = a4.add(v.mul(p2));
                    c4 = c4.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 7 * ch]);
                    a6 = a6.add(v.mul(p1));
                    c6 = c6.add(v.mul(s1));
                    a5 = a5.add(v.mul(p2));
                    c5 = c5.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 8 * ch]);
                    a6 = a6.add(v.mul(p2));
                    c6 = c6.add(v.mul(s2));
                }
                IntVector w;
                int at = sOff;
                w = a0.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c0.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a1.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c1.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a2.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c2.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a3.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c3.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a4.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c4.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a5.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c5.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a6.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c6.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
            }
        }
    }

    /** A paired tile × 7 pixels of two images (see {@link #pairedRow}). */
    static void pairedSeven(short[] q, int ch, int tile, int[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride, int secondOff) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = IntVector.broadcast(I, x[xi]).reinterpretAsShorts();
                a0 = a0.add(v.mul(p0));
                v = IntVector.broadcast(I, x[xi + ch]).reinterpretAsShorts();
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = IntVector.broadcast(I, x[xi + 2 * ch]).reinterpretAsShorts();
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 3 * ch]).reinterpretAsShorts();
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 4 * ch]).reinterpretAsShorts();
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 5 * ch]).reinterpretAsShorts();
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 6 * ch]).reinterpretAsShorts();
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 7 * ch]).reinterpretAsShorts();
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 8 * ch]).reinterpretAsShorts();
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
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a1.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a2.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a3.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a4.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a5.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a6.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
        }
    }

    /** A paired tile × 8 pixels of two images. */
    static void pairedEight(short[] q, int ch, int tile, int[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride, int secondOff) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = IntVector.broadcast(I, x[xi]).reinterpretAsShorts();
                a0 = a0.add(v.mul(p0));
                v = IntVector.broadcast(I, x[xi + ch]).reinterpretAsShorts();
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = IntVector.broadcast(I, x[xi + 2 * ch]).reinterpretAsShorts();
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 3 * ch]).reinterpretAsShorts();
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 4 * ch]).reinterpretAsShorts();
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 5 * ch]).reinterpretAsShorts();
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 6 * ch]).reinterpretAsShorts();
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 7 * ch]).reinterpretAsShorts();
                a7 = a7.add(v.mul(p0));
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 8 * ch]).reinterpretAsShorts();
                a7 = a7.add(v.mul(p1));
                a6 = a6.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 9 * ch]).reinterpretAsShorts();
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
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a1.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a2.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a3.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a4.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a5.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a6.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a7.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
        }
    }

    /** A paired tile × 14 pixels of two images (32 registers). */
    static void pairedFourteen(short[] q, int ch, int tile, int[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride, int secondOff) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = IntVector.broadcast(I, x[xi]).reinterpretAsShorts();
                a0 = a0.add(v.mul(p0));
                v = IntVector.broadcast(I, x[xi + ch]).reinterpretAsShorts();
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p1));
                v = IntVector.broadcast(I, x[xi + 2 * ch]).reinterpretAsShorts();
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p1));
                a0 = a0.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 3 * ch]).reinterpretAsShorts();
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p1));
                a1 = a1.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 4 * ch]).reinterpretAsShorts();
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p1));
                a2 = a2.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 5 * ch]).reinterpretAsShorts();
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p1));
                a3 = a3.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 6 * ch]).reinterpretAsShorts();
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p1));
                a4 = a4.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 7 * ch]).reinterpretAsShorts();
                a7 = a7.add(v.mul(p0));
                a6 = a6.add(v.mul(p1));
                a5 = a5.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 8 * ch]).reinterpretAsShorts();
                a8 = a8.add(v.mul(p0));
                a7 = a7.add(v.mul(p1));
                a6 = a6.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 9 * ch]).reinterpretAsShorts();
                a9 = a9.add(v.mul(p0));
                a8 = a8.add(v.mul(p1));
                a7 = a7.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 10 * ch]).reinterpretAsShorts();
                a10 = a10.add(v.mul(p0));
                a9 = a9.add(v.mul(p1));
                a8 = a8.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 11 * ch]).reinterpretAsShorts();
                a11 = a11.add(v.mul(p0));
                a10 = a10.add(v.mul(p1));
                a9 = a9.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 12 * ch]).reinterpretAsShorts();
                a12 = a12.add(v.mul(p0));
                a11 = a11.add(v.mul(p1));
                a10 = a10.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 13 * ch]).reinterpretAsShorts();
                a13 = a13.add(v.mul(p0));
                a12 = a12.add(v.mul(p1));
                a11 = a11.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 14 * ch]).reinterpretAsShorts();
                a13 = a13.add(v.mul(p1));
                a12 = a12.add(v.mul(p2));
                v = IntVector.broadcast(I, x[xi + 15 * ch]).reinterpretAsShorts();
                a13 = a13.add(v.mul(p2));
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
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a1.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a2.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a3.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a4.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a5.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a6.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a7.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a8.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a9.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a10.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a11.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a12.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
            at += sStride;
            w = a13.reinterpretAsInts();
            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);
        }
    }

    /** Stride 2: one tile × 7 pixels, pixel r reading columns 2r, 2r + 1, 2r + 2. */
    static void strideTwoSeven(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + ch]);
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 2 * ch]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 3 * ch]);
                a1 = a1.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 4 * ch]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 5 * ch]);
                a2 = a2.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 6 * ch]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 7 * ch]);
                a3 = a3.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 8 * ch]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 9 * ch]);
                a4 = a4.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 10 * ch]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 11 * ch]);
                a5 = a5.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 12 * ch]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 13 * ch]);
                a6 = a6.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 14 * ch]);
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

    /** Stride 2: one tile × 8 pixels. */
    static void strideTwoEight(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;
        int xi = base, wi = tile * tileShorts, c = 0;
        for (int from = 0; from < steps; from += flushEvery) {
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {
                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),
                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);
                ShortVector v;
                v = ShortVector.broadcast(S, x[xi]);
                a0 = a0.add(v.mul(p0));
                v = ShortVector.broadcast(S, x[xi + ch]);
                a0 = a0.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 2 * ch]);
                a1 = a1.add(v.mul(p0));
                a0 = a0.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 3 * ch]);
                a1 = a1.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 4 * ch]);
                a2 = a2.add(v.mul(p0));
                a1 = a1.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 5 * ch]);
                a2 = a2.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 6 * ch]);
                a3 = a3.add(v.mul(p0));
                a2 = a2.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 7 * ch]);
                a3 = a3.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 8 * ch]);
                a4 = a4.add(v.mul(p0));
                a3 = a3.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 9 * ch]);
                a4 = a4.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 10 * ch]);
                a5 = a5.add(v.mul(p0));
                a4 = a4.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 11 * ch]);
                a5 = a5.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 12 * ch]);
                a6 = a6.add(v.mul(p0));
                a5 = a5.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 13 * ch]);
                a6 = a6.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 14 * ch]);
                a7 = a7.add(v.mul(p0));
                a6 = a6.add(v.mul(p2));
                v = ShortVector.broadcast(S, x[xi + 15 * ch]);
                a7 = a7.add(v.mul(p1));
                v = ShortVector.broadcast(S, x[xi + 16 * ch]);
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

    /** Stride 2: tiles tile and tile + 1 × 7 pixels (32 registers). */
    static void strideTwoTwoTilesSeven(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {
        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts;
        for (int ki = 0; ki < KERNEL; ki++) {
            int x0 = base + ki * rowStride, w0 = (tile * KERNEL + ki) * KERNEL * tapShorts;
            int w1 = w0 + tapShorts, w2 = w0 + 2 * tapShorts, w3 = w0 + tileShorts, w4 = w1 + tileShorts, w5 = w2 + tileShorts;
            for (int c = 0; c < ch; c += flushEvery) { // chunks of flushEvery steps from each kernel row's start
                ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0;
                for (int cc = c, end = Math.min(ch, c + flushEvery); cc < end; cc++) {
                    int cl = cc * LANES;
                    ShortVector p0 = ShortVector.fromArray(S, q, w0 + cl), p1 = ShortVector.fromArray(S, q, w1 + cl), p2 = ShortVector.fromArray(S, q, w2 + cl);
                    ShortVector s0 = ShortVector.fromArray(S, q, w3 + cl), s1 = ShortVector.fromArray(S, q, w4 + cl), s2 = ShortVector.fromArray(S, q, w5 + cl);
                    ShortVector v;
                    v = ShortVector.broadcast(S, x[x0 + cc]);
                    a0 = a0.add(v.mul(p0));
                    c0 = c0.add(v.mul(s0));
                    v = ShortVector.broadcast(S, x[x0 + cc + ch]);
                    a0 = a0.add(v.mul(p1));
                    c0 = c0.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 2 * ch]);
                    a1 = a1.add(v.mul(p0));
                    c1 = c1.add(v.mul(s0));
                    a0 = a0.add(v.mul(p2));
                    c0 = c0.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 3 * ch]);
                    a1 = a1.add(v.mul(p1));
                    c1 = c1.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 4 * ch]);
                    a2 = a2.add(v.mul(p0));
                    c2 = c2.add(v.mul(s0));
                    a1 = a1.add(v.mul(p2));
                    c1 = c1.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 5 * ch]);
                    a2 = a2.add(v.mul(p1));
                    c2 = c2.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 6 * ch]);
                    a3 = a3.add(v.mul(p0));
                    c3 = c3.add(v.mul(s0));
                    a2 = a2.add(v.mul(p2));
                    c2 = c2.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 7 * ch]);
                    a3 = a3.add(v.mul(p1));
                    c3 = c3.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 8 * ch]);
                    a4 = a4.add(v.mul(p0));
                    c4 = c4.add(v.mul(s0));
                    a3 = a3.add(v.mul(p2));
                    c3 = c3.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 9 * ch]);
                    a4 = a4.add(v.mul(p1));
                    c4 = c4.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 10 * ch]);
                    a5 = a5.add(v.mul(p0));
                    c5 = c5.add(v.mul(s0));
                    a4 = a4.add(v.mul(p2));
                    c4 = c4.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 11 * ch]);
                    a5 = a5.add(v.mul(p1));
                    c5 = c5.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 12 * ch]);
                    a6 = a6.add(v.mul(p0));
                    c6 = c6.add(v.mul(s0));
                    a5 = a5.add(v.mul(p2));
                    c5 = c5.add(v.mul(s2));
                    v = ShortVector.broadcast(S, x[x0 + cc + 13 * ch]);
                    a6 = a6.add(v.mul(p1));
                    c6 = c6.add(v.mul(s1));
                    v = ShortVector.broadcast(S, x[x0 + cc + 14 * ch]);
                    a6 = a6.add(v.mul(p2));
                    c6 = c6.add(v.mul(s2));
                }
                IntVector w;
                int at = sOff;
                w = a0.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c0.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a1.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c1.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a2.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c2.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a3.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c3.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a4.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c4.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a5.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c5.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
                at += sStride;
                w = a6.reinterpretAsInts();
                IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);
                IntVector.fromArray(I, sums, at + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + HALF);
                w = c6.reinterpretAsInts();
                IntVector.fromArray(I, sums, at + LANES).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES);
                IntVector.fromArray(I, sums, at + LANES + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + LANES + HALF);
            }
        }
    }
}
