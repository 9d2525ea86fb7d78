package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel of 3×3, stride-1 convolutions over channel-minor (NHWC) zero-padded rows (most
 * of a ResNet's multiply-adds): 7, 8, 14 or 16 consecutive output pixels of one row × one or two
 * vectors of output channels (a tile: {@link #LANES} channels). Neighbouring pixels of a row read the same input pixels at neighbouring kernel
 * columns, so each broadcast activation feeds up to three weight vectors (kernel columns 0, 1, 2) of
 * each channel tile: per kernel row and input channel, 10 broadcasts and 3 weight loads a tile give
 * 24 FMAs, and no lane computes a pixel that is not there.
 *
 * <p>Stride-2 layers ({@link #rowStrideTwo}, inference only) run 7 or 8 pixels × one or two tiles: neighbouring
 * pixels share one input column, so a broadcast feeds up to two FMAs a tile.
 *
 * <p>Which shapes run depends on the vector registers ({@link VectorWidth#REGISTERS}): with 32, all
 * of them (up to 16 accumulators and 6 weight vectors); with 16 (AVX2), one tile × 8 or 7 pixels
 * only (8 or 7 accumulators, 3 weight vectors and a broadcast), since the larger ones would spill.
 *
 * <p>Weights q are laid out in tiles of L output channels: q[((tile·taps + t)·ch + c)·L + o % L]
 * for tap t = ki·3 + kj and input channel c of ch (the activations' channels per pixel). Each sum
 * adds its products in (ki, c, kj) order. Used by the full-precision training convolutions
 * ({@link Conv3x3Rows}) and by the packed low-bit network, whose integer codes as floats stay exact.
 *
 * <p>Every vector stays in a local and every operation is spelled inline: a helper taking vectors
 * would box them.
 */
public final class FloatRowKernel {
    /** The kernel size this kernel is unrolled for. */
    public static final int KERNEL = 3;
    /** Output pixels per call. */
    public static final int PIXELS = 8;
    /** Output pixels per {@link #oneTileWide} call. */
    public static final int WIDE_PIXELS = 16;
    /** Output pixels per {@link #twoTilesSeven} call. */
    public static final int SEVEN_PIXELS = 7;
    /** Output pixels per {@link #oneTileFourteen} call. */
    public static final int FOURTEEN_PIXELS = 14;
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    /** Output channels per tile: one vector. */
    public static final int LANES = F.length();
    /** Whether the kernels with more than 12 live vectors fit the registers (32 of them). */
    private static final boolean WIDE = VectorWidth.REGISTERS >= 32;

    private FloatRowKernel() {}

    /**
     * Pixels per call for rows ow wide: the call whose pixel count wastes the fewest pixels past the
     * row end (each call computes all of its pixels), the wider one on a tie. With 32 registers a
     * single channel tile takes 16 or 14 pixels a call, else 8; an even number of tiles also 7 (28×28
     * images give rows of 28, 14 and 7: 16 and 8 pixels a call wasted an eighth of them). With 16
     * registers 8 or 7, a tile at a time.
     */
    public static int rowStep(int tiles, int ow) {
        int[] steps = !WIDE ? new int[] {PIXELS, SEVEN_PIXELS}
                : tiles == 1 ? new int[] {WIDE_PIXELS, FOURTEEN_PIXELS, PIXELS}
                : tiles % 2 == 0 ? new int[] {PIXELS, SEVEN_PIXELS} : new int[] {PIXELS};
        return fewestWasted(ow, steps);
    }

    /** Of the steps (preferred first), the one that computes the fewest pixels past a row ow wide; the earlier on a tie. Shared by the row kernels. */
    static int fewestWasted(int ow, int... steps) {
        int best = steps[0];
        for (int step : steps)
            if (waste(ow, step) < waste(ow, best)) best = step;
        return best;
    }

    private static int waste(int ow, int step) {
        return (ow + step - 1) / step * step - ow;
    }

    /**
     * Sums of the first rowPixels pixels (a multiple of step, {@link #rowStep}) of the output row whose
     * top-left tap is at x[base], for all tiles: pixel r, output channel o at sums[sOff + r·width + o]
     * (width = tiles·L). Pixels past the row end read past it (the caller leaves slack) and give
     * sums to drop.
     */
    public static void row(float[] q, int ch, int taps, int tiles, int step, float[] x, int base, int rowStride,
                           int rowPixels, float[] sums, int sOff, int width) {
        if (!VectorWidth.VECTOR) {
            FloatRowKernelScalar.row(q, ch, taps, tiles, x, base, rowStride, rowPixels, sums, sOff, width);
            return;
        }
        for (int r = 0; r < rowPixels; r += step) {
            int at = base + r * ch, s = sOff + r * width, tile = 0;
            if (!WIDE) {
                for (; tile < tiles; tile++) {
                    if (step == SEVEN_PIXELS) oneTileSeven(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
                    else oneTile(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
                }
                continue;
            }
            switch (step) {
                case WIDE_PIXELS -> oneTileWide(q, ch, taps, 0, x, at, rowStride, sums, s, width);
                case FOURTEEN_PIXELS -> oneTileFourteen(q, ch, taps, 0, x, at, rowStride, sums, s, width);
                case SEVEN_PIXELS -> {
                    for (; tile < tiles; tile += 2) twoTilesSeven(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
                }
                default -> { }
            }
            if (step != PIXELS) continue;
            for (; tile + 2 <= tiles; tile += 2) twoTiles(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
            if (tile < tiles) oneTile(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
        }
    }

    /** Pixels per {@link #rowStrideTwo} call for rows ow wide: 8 or 7, the fewer wasted past the row end. */
    public static int strideTwoStep(int ow) {
        return fewestWasted(ow, PIXELS, SEVEN_PIXELS);
    }

    /**
     * As {@link #row} for a stride-2 layer: output pixel r of the row reads kernel row ki, column kj, channel c
     * at x[base + ki·rowStride + (2r + kj)·ch + c]; step from {@link #strideTwoStep}. Neighbouring pixels share
     * one input column (2r + 2), so a broadcast feeds up to two FMAs per tile instead of three.
     */
    public static void rowStrideTwo(float[] q, int ch, int taps, int tiles, int step, float[] x, int base, int rowStride,
                                    int rowPixels, float[] sums, int sOff, int width) {
        if (!VectorWidth.VECTOR) {
            FloatRowKernelScalar.rowStrideTwo(q, ch, taps, tiles, x, base, rowStride, rowPixels, sums, sOff, width);
            return;
        }
        for (int r = 0; r < rowPixels; r += step) {
            int at = base + 2 * r * ch, s = sOff + r * width, tile = 0;
            for (; WIDE && tile + 2 <= tiles; tile += 2) {
                if (step == SEVEN_PIXELS) twoTilesStrideTwo7(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
                else twoTilesStrideTwo8(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
            }
            for (; tile < tiles; tile++) {
                if (step == SEVEN_PIXELS) oneTileStrideTwo7(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
                else oneTileStrideTwo8(q, ch, taps, tile, x, at, rowStride, sums, s + tile * LANES, width);
            }
        }
    }

    // The stride-2 kernels, written by engine/tools/float_row_kernels.py.

    /** One tile × 7 pixels of a stride-2 row: pixel r reads x[base + ki·rowStride + (2r + kj)·ch + c] (15 broadcasts and 3 weight loads per 21 FMAs). */
    static void oneTileStrideTwo7(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                v = FloatVector.broadcast(F, x[xi + ch]);
                a0 = v.fma(p1, a0);
                v = FloatVector.broadcast(F, x[xi + 2 * ch]);
                a0 = v.fma(p2, a0);
                a1 = v.fma(p0, a1);
                v = FloatVector.broadcast(F, x[xi + 3 * ch]);
                a1 = v.fma(p1, a1);
                v = FloatVector.broadcast(F, x[xi + 4 * ch]);
                a1 = v.fma(p2, a1);
                a2 = v.fma(p0, a2);
                v = FloatVector.broadcast(F, x[xi + 5 * ch]);
                a2 = v.fma(p1, a2);
                v = FloatVector.broadcast(F, x[xi + 6 * ch]);
                a2 = v.fma(p2, a2);
                a3 = v.fma(p0, a3);
                v = FloatVector.broadcast(F, x[xi + 7 * ch]);
                a3 = v.fma(p1, a3);
                v = FloatVector.broadcast(F, x[xi + 8 * ch]);
                a3 = v.fma(p2, a3);
                a4 = v.fma(p0, a4);
                v = FloatVector.broadcast(F, x[xi + 9 * ch]);
                a4 = v.fma(p1, a4);
                v = FloatVector.broadcast(F, x[xi + 10 * ch]);
                a4 = v.fma(p2, a4);
                a5 = v.fma(p0, a5);
                v = FloatVector.broadcast(F, x[xi + 11 * ch]);
                a5 = v.fma(p1, a5);
                v = FloatVector.broadcast(F, x[xi + 12 * ch]);
                a5 = v.fma(p2, a5);
                a6 = v.fma(p0, a6);
                v = FloatVector.broadcast(F, x[xi + 13 * ch]);
                a6 = v.fma(p1, a6);
                v = FloatVector.broadcast(F, x[xi + 14 * ch]);
                a6 = v.fma(p2, a6);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        a1.intoArray(sums, (s += sStride));
        a2.intoArray(sums, (s += sStride));
        a3.intoArray(sums, (s += sStride));
        a4.intoArray(sums, (s += sStride));
        a5.intoArray(sums, (s += sStride));
        a6.intoArray(sums, (s += sStride));
    }

    /** Tiles tile and tile + 1 × 7 pixels of a stride-2 row (15 broadcasts and 6 weight loads per 42 FMAs; 32 registers). */
    static void twoTilesStrideTwo7(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats, wb = wa + tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector s0 = FloatVector.fromArray(F, q, wb + wi), s1 = FloatVector.fromArray(F, q, wb + wi + tapFloats),
                        s2 = FloatVector.fromArray(F, q, wb + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                c0 = v.fma(s0, c0);
                v = FloatVector.broadcast(F, x[xi + ch]);
                a0 = v.fma(p1, a0);
                c0 = v.fma(s1, c0);
                v = FloatVector.broadcast(F, x[xi + 2 * ch]);
                a0 = v.fma(p2, a0);
                c0 = v.fma(s2, c0);
                a1 = v.fma(p0, a1);
                c1 = v.fma(s0, c1);
                v = FloatVector.broadcast(F, x[xi + 3 * ch]);
                a1 = v.fma(p1, a1);
                c1 = v.fma(s1, c1);
                v = FloatVector.broadcast(F, x[xi + 4 * ch]);
                a1 = v.fma(p2, a1);
                c1 = v.fma(s2, c1);
                a2 = v.fma(p0, a2);
                c2 = v.fma(s0, c2);
                v = FloatVector.broadcast(F, x[xi + 5 * ch]);
                a2 = v.fma(p1, a2);
                c2 = v.fma(s1, c2);
                v = FloatVector.broadcast(F, x[xi + 6 * ch]);
                a2 = v.fma(p2, a2);
                c2 = v.fma(s2, c2);
                a3 = v.fma(p0, a3);
                c3 = v.fma(s0, c3);
                v = FloatVector.broadcast(F, x[xi + 7 * ch]);
                a3 = v.fma(p1, a3);
                c3 = v.fma(s1, c3);
                v = FloatVector.broadcast(F, x[xi + 8 * ch]);
                a3 = v.fma(p2, a3);
                c3 = v.fma(s2, c3);
                a4 = v.fma(p0, a4);
                c4 = v.fma(s0, c4);
                v = FloatVector.broadcast(F, x[xi + 9 * ch]);
                a4 = v.fma(p1, a4);
                c4 = v.fma(s1, c4);
                v = FloatVector.broadcast(F, x[xi + 10 * ch]);
                a4 = v.fma(p2, a4);
                c4 = v.fma(s2, c4);
                a5 = v.fma(p0, a5);
                c5 = v.fma(s0, c5);
                v = FloatVector.broadcast(F, x[xi + 11 * ch]);
                a5 = v.fma(p1, a5);
                c5 = v.fma(s1, c5);
                v = FloatVector.broadcast(F, x[xi + 12 * ch]);
                a5 = v.fma(p2, a5);
                c5 = v.fma(s2, c5);
                a6 = v.fma(p0, a6);
                c6 = v.fma(s0, c6);
                v = FloatVector.broadcast(F, x[xi + 13 * ch]);
                a6 = v.fma(p1, a6);
                c6 = v.fma(s1, c6);
                v = FloatVector.broadcast(F, x[xi + 14 * ch]);
                a6 = v.fma(p2, a6);
                c6 = v.fma(s2, c6);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        c0.intoArray(sums, s + LANES);
        a1.intoArray(sums, (s += sStride));
        c1.intoArray(sums, s + LANES);
        a2.intoArray(sums, (s += sStride));
        c2.intoArray(sums, s + LANES);
        a3.intoArray(sums, (s += sStride));
        c3.intoArray(sums, s + LANES);
        a4.intoArray(sums, (s += sStride));
        c4.intoArray(sums, s + LANES);
        a5.intoArray(sums, (s += sStride));
        c5.intoArray(sums, s + LANES);
        a6.intoArray(sums, (s += sStride));
        c6.intoArray(sums, s + LANES);
    }

    /** One tile × 8 pixels of a stride-2 row: pixel r reads x[base + ki·rowStride + (2r + kj)·ch + c] (17 broadcasts and 3 weight loads per 24 FMAs). */
    static void oneTileStrideTwo8(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                v = FloatVector.broadcast(F, x[xi + ch]);
                a0 = v.fma(p1, a0);
                v = FloatVector.broadcast(F, x[xi + 2 * ch]);
                a0 = v.fma(p2, a0);
                a1 = v.fma(p0, a1);
                v = FloatVector.broadcast(F, x[xi + 3 * ch]);
                a1 = v.fma(p1, a1);
                v = FloatVector.broadcast(F, x[xi + 4 * ch]);
                a1 = v.fma(p2, a1);
                a2 = v.fma(p0, a2);
                v = FloatVector.broadcast(F, x[xi + 5 * ch]);
                a2 = v.fma(p1, a2);
                v = FloatVector.broadcast(F, x[xi + 6 * ch]);
                a2 = v.fma(p2, a2);
                a3 = v.fma(p0, a3);
                v = FloatVector.broadcast(F, x[xi + 7 * ch]);
                a3 = v.fma(p1, a3);
                v = FloatVector.broadcast(F, x[xi + 8 * ch]);
                a3 = v.fma(p2, a3);
                a4 = v.fma(p0, a4);
                v = FloatVector.broadcast(F, x[xi + 9 * ch]);
                a4 = v.fma(p1, a4);
                v = FloatVector.broadcast(F, x[xi + 10 * ch]);
                a4 = v.fma(p2, a4);
                a5 = v.fma(p0, a5);
                v = FloatVector.broadcast(F, x[xi + 11 * ch]);
                a5 = v.fma(p1, a5);
                v = FloatVector.broadcast(F, x[xi + 12 * ch]);
                a5 = v.fma(p2, a5);
                a6 = v.fma(p0, a6);
                v = FloatVector.broadcast(F, x[xi + 13 * ch]);
                a6 = v.fma(p1, a6);
                v = FloatVector.broadcast(F, x[xi + 14 * ch]);
                a6 = v.fma(p2, a6);
                a7 = v.fma(p0, a7);
                v = FloatVector.broadcast(F, x[xi + 15 * ch]);
                a7 = v.fma(p1, a7);
                v = FloatVector.broadcast(F, x[xi + 16 * ch]);
                a7 = v.fma(p2, a7);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        a1.intoArray(sums, (s += sStride));
        a2.intoArray(sums, (s += sStride));
        a3.intoArray(sums, (s += sStride));
        a4.intoArray(sums, (s += sStride));
        a5.intoArray(sums, (s += sStride));
        a6.intoArray(sums, (s += sStride));
        a7.intoArray(sums, (s += sStride));
    }

    /** Tiles tile and tile + 1 × 8 pixels of a stride-2 row (17 broadcasts and 6 weight loads per 48 FMAs; 32 registers). */
    static void twoTilesStrideTwo8(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats, wb = wa + tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector s0 = FloatVector.fromArray(F, q, wb + wi), s1 = FloatVector.fromArray(F, q, wb + wi + tapFloats),
                        s2 = FloatVector.fromArray(F, q, wb + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                c0 = v.fma(s0, c0);
                v = FloatVector.broadcast(F, x[xi + ch]);
                a0 = v.fma(p1, a0);
                c0 = v.fma(s1, c0);
                v = FloatVector.broadcast(F, x[xi + 2 * ch]);
                a0 = v.fma(p2, a0);
                c0 = v.fma(s2, c0);
                a1 = v.fma(p0, a1);
                c1 = v.fma(s0, c1);
                v = FloatVector.broadcast(F, x[xi + 3 * ch]);
                a1 = v.fma(p1, a1);
                c1 = v.fma(s1, c1);
                v = FloatVector.broadcast(F, x[xi + 4 * ch]);
                a1 = v.fma(p2, a1);
                c1 = v.fma(s2, c1);
                a2 = v.fma(p0, a2);
                c2 = v.fma(s0, c2);
                v = FloatVector.broadcast(F, x[xi + 5 * ch]);
                a2 = v.fma(p1, a2);
                c2 = v.fma(s1, c2);
                v = FloatVector.broadcast(F, x[xi + 6 * ch]);
                a2 = v.fma(p2, a2);
                c2 = v.fma(s2, c2);
                a3 = v.fma(p0, a3);
                c3 = v.fma(s0, c3);
                v = FloatVector.broadcast(F, x[xi + 7 * ch]);
                a3 = v.fma(p1, a3);
                c3 = v.fma(s1, c3);
                v = FloatVector.broadcast(F, x[xi + 8 * ch]);
                a3 = v.fma(p2, a3);
                c3 = v.fma(s2, c3);
                a4 = v.fma(p0, a4);
                c4 = v.fma(s0, c4);
                v = FloatVector.broadcast(F, x[xi + 9 * ch]);
                a4 = v.fma(p1, a4);
                c4 = v.fma(s1, c4);
                v = FloatVector.broadcast(F, x[xi + 10 * ch]);
                a4 = v.fma(p2, a4);
                c4 = v.fma(s2, c4);
                a5 = v.fma(p0, a5);
                c5 = v.fma(s0, c5);
                v = FloatVector.broadcast(F, x[xi + 11 * ch]);
                a5 = v.fma(p1, a5);
                c5 = v.fma(s1, c5);
                v = FloatVector.broadcast(F, x[xi + 12 * ch]);
                a5 = v.fma(p2, a5);
                c5 = v.fma(s2, c5);
                a6 = v.fma(p0, a6);
                c6 = v.fma(s0, c6);
                v = FloatVector.broadcast(F, x[xi + 13 * ch]);
                a6 = v.fma(p1, a6);
                c6 = v.fma(s1, c6);
                v = FloatVector.broadcast(F, x[xi + 14 * ch]);
                a6 = v.fma(p2, a6);
                c6 = v.fma(s2, c6);
                a7 = v.fma(p0, a7);
                c7 = v.fma(s0, c7);
                v = FloatVector.broadcast(F, x[xi + 15 * ch]);
                a7 = v.fma(p1, a7);
                c7 = v.fma(s1, c7);
                v = FloatVector.broadcast(F, x[xi + 16 * ch]);
                a7 = v.fma(p2, a7);
                c7 = v.fma(s2, c7);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        c0.intoArray(sums, s + LANES);
        a1.intoArray(sums, (s += sStride));
        c1.intoArray(sums, s + LANES);
        a2.intoArray(sums, (s += sStride));
        c2.intoArray(sums, s + LANES);
        a3.intoArray(sums, (s += sStride));
        c3.intoArray(sums, s + LANES);
        a4.intoArray(sums, (s += sStride));
        c4.intoArray(sums, s + LANES);
        a5.intoArray(sums, (s += sStride));
        c5.intoArray(sums, s + LANES);
        a6.intoArray(sums, (s += sStride));
        c6.intoArray(sums, s + LANES);
        a7.intoArray(sums, (s += sStride));
        c7.intoArray(sums, s + LANES);
    }


    /**
     * Channel tiles tile and tile + 1 (2L output channels) × 8 consecutive pixels of one output row:
     * sums of pixel r, channel tile·L + i at sums[sOff + r·sStride + i] (i &lt; 2L). Pixel r reads
     * kernel row ki, column kj, channel c at x[base + ki·rowStride + (r + kj)·ch + c].
     */
    public static void twoTiles(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats, wb = wa + tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        int x1 = ch, x2 = 2 * ch, x3 = 3 * ch, x4 = 4 * ch, x5 = 5 * ch, x6 = 6 * ch, x7 = 7 * ch, x8 = 8 * ch, x9 = 9 * ch;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector s0 = FloatVector.fromArray(F, q, wb + wi), s1 = FloatVector.fromArray(F, q, wb + wi + tapFloats),
                        s2 = FloatVector.fromArray(F, q, wb + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                c0 = v.fma(s0, c0);
                v = FloatVector.broadcast(F, x[xi + x1]);
                a1 = v.fma(p0, a1);
                c1 = v.fma(s0, c1);
                a0 = v.fma(p1, a0);
                c0 = v.fma(s1, c0);
                v = FloatVector.broadcast(F, x[xi + x2]);
                a2 = v.fma(p0, a2);
                c2 = v.fma(s0, c2);
                a1 = v.fma(p1, a1);
                c1 = v.fma(s1, c1);
                a0 = v.fma(p2, a0);
                c0 = v.fma(s2, c0);
                v = FloatVector.broadcast(F, x[xi + x3]);
                a3 = v.fma(p0, a3);
                c3 = v.fma(s0, c3);
                a2 = v.fma(p1, a2);
                c2 = v.fma(s1, c2);
                a1 = v.fma(p2, a1);
                c1 = v.fma(s2, c1);
                v = FloatVector.broadcast(F, x[xi + x4]);
                a4 = v.fma(p0, a4);
                c4 = v.fma(s0, c4);
                a3 = v.fma(p1, a3);
                c3 = v.fma(s1, c3);
                a2 = v.fma(p2, a2);
                c2 = v.fma(s2, c2);
                v = FloatVector.broadcast(F, x[xi + x5]);
                a5 = v.fma(p0, a5);
                c5 = v.fma(s0, c5);
                a4 = v.fma(p1, a4);
                c4 = v.fma(s1, c4);
                a3 = v.fma(p2, a3);
                c3 = v.fma(s2, c3);
                v = FloatVector.broadcast(F, x[xi + x6]);
                a6 = v.fma(p0, a6);
                c6 = v.fma(s0, c6);
                a5 = v.fma(p1, a5);
                c5 = v.fma(s1, c5);
                a4 = v.fma(p2, a4);
                c4 = v.fma(s2, c4);
                v = FloatVector.broadcast(F, x[xi + x7]);
                a7 = v.fma(p0, a7);
                c7 = v.fma(s0, c7);
                a6 = v.fma(p1, a6);
                c6 = v.fma(s1, c6);
                a5 = v.fma(p2, a5);
                c5 = v.fma(s2, c5);
                v = FloatVector.broadcast(F, x[xi + x8]);
                a7 = v.fma(p1, a7);
                c7 = v.fma(s1, c7);
                a6 = v.fma(p2, a6);
                c6 = v.fma(s2, c6);
                v = FloatVector.broadcast(F, x[xi + x9]);
                a7 = v.fma(p2, a7);
                c7 = v.fma(s2, c7);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        c0.intoArray(sums, s + LANES);
        a1.intoArray(sums, s += sStride);
        c1.intoArray(sums, s + LANES);
        a2.intoArray(sums, s += sStride);
        c2.intoArray(sums, s + LANES);
        a3.intoArray(sums, s += sStride);
        c3.intoArray(sums, s + LANES);
        a4.intoArray(sums, s += sStride);
        c4.intoArray(sums, s + LANES);
        a5.intoArray(sums, s += sStride);
        c5.intoArray(sums, s + LANES);
        a6.intoArray(sums, s += sStride);
        c6.intoArray(sums, s + LANES);
        a7.intoArray(sums, s += sStride);
        c7.intoArray(sums, s + LANES);
    }

    /** One channel tile (L output channels) × 8 pixels of a row, as {@link #twoTiles}. */
    public static void oneTile(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int x1 = ch, x2 = 2 * ch, x3 = 3 * ch, x4 = 4 * ch, x5 = 5 * ch, x6 = 6 * ch, x7 = 7 * ch, x8 = 8 * ch, x9 = 9 * ch;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                v = FloatVector.broadcast(F, x[xi + x1]);
                a1 = v.fma(p0, a1);
                a0 = v.fma(p1, a0);
                v = FloatVector.broadcast(F, x[xi + x2]);
                a2 = v.fma(p0, a2);
                a1 = v.fma(p1, a1);
                a0 = v.fma(p2, a0);
                v = FloatVector.broadcast(F, x[xi + x3]);
                a3 = v.fma(p0, a3);
                a2 = v.fma(p1, a2);
                a1 = v.fma(p2, a1);
                v = FloatVector.broadcast(F, x[xi + x4]);
                a4 = v.fma(p0, a4);
                a3 = v.fma(p1, a3);
                a2 = v.fma(p2, a2);
                v = FloatVector.broadcast(F, x[xi + x5]);
                a5 = v.fma(p0, a5);
                a4 = v.fma(p1, a4);
                a3 = v.fma(p2, a3);
                v = FloatVector.broadcast(F, x[xi + x6]);
                a6 = v.fma(p0, a6);
                a5 = v.fma(p1, a5);
                a4 = v.fma(p2, a4);
                v = FloatVector.broadcast(F, x[xi + x7]);
                a7 = v.fma(p0, a7);
                a6 = v.fma(p1, a6);
                a5 = v.fma(p2, a5);
                v = FloatVector.broadcast(F, x[xi + x8]);
                a7 = v.fma(p1, a7);
                a6 = v.fma(p2, a6);
                v = FloatVector.broadcast(F, x[xi + x9]);
                a7 = v.fma(p2, a7);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        a1.intoArray(sums, s += sStride);
        a2.intoArray(sums, s += sStride);
        a3.intoArray(sums, s += sStride);
        a4.intoArray(sums, s += sStride);
        a5.intoArray(sums, s += sStride);
        a6.intoArray(sums, s += sStride);
        a7.intoArray(sums, s += sStride);
    }

    /** {@link #oneTile} over 7 pixels ({@link #SEVEN_PIXELS}): the 16-register machines' kernel for rows 7, 14 or 28 wide. */
    public static void oneTileSeven(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        int x1 = ch, x2 = 2 * ch, x3 = 3 * ch, x4 = 4 * ch, x5 = 5 * ch, x6 = 6 * ch, x7 = 7 * ch, x8 = 8 * ch;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                v = FloatVector.broadcast(F, x[xi + x1]);
                a1 = v.fma(p0, a1);
                a0 = v.fma(p1, a0);
                v = FloatVector.broadcast(F, x[xi + x2]);
                a2 = v.fma(p0, a2);
                a1 = v.fma(p1, a1);
                a0 = v.fma(p2, a0);
                v = FloatVector.broadcast(F, x[xi + x3]);
                a3 = v.fma(p0, a3);
                a2 = v.fma(p1, a2);
                a1 = v.fma(p2, a1);
                v = FloatVector.broadcast(F, x[xi + x4]);
                a4 = v.fma(p0, a4);
                a3 = v.fma(p1, a3);
                a2 = v.fma(p2, a2);
                v = FloatVector.broadcast(F, x[xi + x5]);
                a5 = v.fma(p0, a5);
                a4 = v.fma(p1, a4);
                a3 = v.fma(p2, a3);
                v = FloatVector.broadcast(F, x[xi + x6]);
                a6 = v.fma(p0, a6);
                a5 = v.fma(p1, a5);
                a4 = v.fma(p2, a4);
                v = FloatVector.broadcast(F, x[xi + x7]);
                a6 = v.fma(p1, a6);
                a5 = v.fma(p2, a5);
                v = FloatVector.broadcast(F, x[xi + x8]);
                a6 = v.fma(p2, a6);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        a1.intoArray(sums, s += sStride);
        a2.intoArray(sums, s += sStride);
        a3.intoArray(sums, s += sStride);
        a4.intoArray(sums, s += sStride);
        a5.intoArray(sums, s += sStride);
        a6.intoArray(sums, s += sStride);
    }

    /**
     * One channel tile × {@link #WIDE_PIXELS} pixels of a row, as {@link #oneTile}: layers of 16 or
     * fewer output channels than a vector has lanes have one tile, and twice the pixels give each broadcast twice the FMAs
     * (18 broadcasts and 3 weight loads per 48 FMAs).
     */
    public static void oneTileWide(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector v;
                int xj = xi;
                v = FloatVector.broadcast(F, x[xj]);
                a0 = v.fma(p0, a0);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a1 = v.fma(p0, a1);
                a0 = v.fma(p1, a0);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a2 = v.fma(p0, a2);
                a1 = v.fma(p1, a1);
                a0 = v.fma(p2, a0);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a3 = v.fma(p0, a3);
                a2 = v.fma(p1, a2);
                a1 = v.fma(p2, a1);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a4 = v.fma(p0, a4);
                a3 = v.fma(p1, a3);
                a2 = v.fma(p2, a2);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a5 = v.fma(p0, a5);
                a4 = v.fma(p1, a4);
                a3 = v.fma(p2, a3);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a6 = v.fma(p0, a6);
                a5 = v.fma(p1, a5);
                a4 = v.fma(p2, a4);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a7 = v.fma(p0, a7);
                a6 = v.fma(p1, a6);
                a5 = v.fma(p2, a5);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a8 = v.fma(p0, a8);
                a7 = v.fma(p1, a7);
                a6 = v.fma(p2, a6);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a9 = v.fma(p0, a9);
                a8 = v.fma(p1, a8);
                a7 = v.fma(p2, a7);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a10 = v.fma(p0, a10);
                a9 = v.fma(p1, a9);
                a8 = v.fma(p2, a8);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a11 = v.fma(p0, a11);
                a10 = v.fma(p1, a10);
                a9 = v.fma(p2, a9);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a12 = v.fma(p0, a12);
                a11 = v.fma(p1, a11);
                a10 = v.fma(p2, a10);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a13 = v.fma(p0, a13);
                a12 = v.fma(p1, a12);
                a11 = v.fma(p2, a11);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a14 = v.fma(p0, a14);
                a13 = v.fma(p1, a13);
                a12 = v.fma(p2, a12);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a15 = v.fma(p0, a15);
                a14 = v.fma(p1, a14);
                a13 = v.fma(p2, a13);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a15 = v.fma(p1, a15);
                a14 = v.fma(p2, a14);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a15 = v.fma(p2, a15);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        a1.intoArray(sums, s += sStride);
        a2.intoArray(sums, s += sStride);
        a3.intoArray(sums, s += sStride);
        a4.intoArray(sums, s += sStride);
        a5.intoArray(sums, s += sStride);
        a6.intoArray(sums, s += sStride);
        a7.intoArray(sums, s += sStride);
        a8.intoArray(sums, s += sStride);
        a9.intoArray(sums, s += sStride);
        a10.intoArray(sums, s += sStride);
        a11.intoArray(sums, s += sStride);
        a12.intoArray(sums, s += sStride);
        a13.intoArray(sums, s += sStride);
        a14.intoArray(sums, s += sStride);
        a15.intoArray(sums, s += sStride);
    }

    /**
     * {@link #twoTiles} over 7 pixels ({@link #SEVEN_PIXELS}): rows 7 or 14 wide (ResNet-20's 14×14 and
     * 7×7 stages on 28×28 images) then need no wasted eighth pixel per call.
     */
    public static void twoTilesSeven(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats, wb = wa + tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0;
        int x1 = ch, x2 = 2 * ch, x3 = 3 * ch, x4 = 4 * ch, x5 = 5 * ch, x6 = 6 * ch, x7 = 7 * ch, x8 = 8 * ch;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector s0 = FloatVector.fromArray(F, q, wb + wi), s1 = FloatVector.fromArray(F, q, wb + wi + tapFloats),
                        s2 = FloatVector.fromArray(F, q, wb + wi + 2 * tapFloats);
                FloatVector v;
                v = FloatVector.broadcast(F, x[xi]);
                a0 = v.fma(p0, a0);
                c0 = v.fma(s0, c0);
                v = FloatVector.broadcast(F, x[xi + x1]);
                a1 = v.fma(p0, a1);
                c1 = v.fma(s0, c1);
                a0 = v.fma(p1, a0);
                c0 = v.fma(s1, c0);
                v = FloatVector.broadcast(F, x[xi + x2]);
                a2 = v.fma(p0, a2);
                c2 = v.fma(s0, c2);
                a1 = v.fma(p1, a1);
                c1 = v.fma(s1, c1);
                a0 = v.fma(p2, a0);
                c0 = v.fma(s2, c0);
                v = FloatVector.broadcast(F, x[xi + x3]);
                a3 = v.fma(p0, a3);
                c3 = v.fma(s0, c3);
                a2 = v.fma(p1, a2);
                c2 = v.fma(s1, c2);
                a1 = v.fma(p2, a1);
                c1 = v.fma(s2, c1);
                v = FloatVector.broadcast(F, x[xi + x4]);
                a4 = v.fma(p0, a4);
                c4 = v.fma(s0, c4);
                a3 = v.fma(p1, a3);
                c3 = v.fma(s1, c3);
                a2 = v.fma(p2, a2);
                c2 = v.fma(s2, c2);
                v = FloatVector.broadcast(F, x[xi + x5]);
                a5 = v.fma(p0, a5);
                c5 = v.fma(s0, c5);
                a4 = v.fma(p1, a4);
                c4 = v.fma(s1, c4);
                a3 = v.fma(p2, a3);
                c3 = v.fma(s2, c3);
                v = FloatVector.broadcast(F, x[xi + x6]);
                a6 = v.fma(p0, a6);
                c6 = v.fma(s0, c6);
                a5 = v.fma(p1, a5);
                c5 = v.fma(s1, c5);
                a4 = v.fma(p2, a4);
                c4 = v.fma(s2, c4);
                v = FloatVector.broadcast(F, x[xi + x7]);
                a6 = v.fma(p1, a6);
                c6 = v.fma(s1, c6);
                a5 = v.fma(p2, a5);
                c5 = v.fma(s2, c5);
                v = FloatVector.broadcast(F, x[xi + x8]);
                a6 = v.fma(p2, a6);
                c6 = v.fma(s2, c6);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        c0.intoArray(sums, s + LANES);
        a1.intoArray(sums, s += sStride);
        c1.intoArray(sums, s + LANES);
        a2.intoArray(sums, s += sStride);
        c2.intoArray(sums, s + LANES);
        a3.intoArray(sums, s += sStride);
        c3.intoArray(sums, s + LANES);
        a4.intoArray(sums, s += sStride);
        c4.intoArray(sums, s + LANES);
        a5.intoArray(sums, s += sStride);
        c5.intoArray(sums, s + LANES);
        a6.intoArray(sums, s += sStride);
        c6.intoArray(sums, s + LANES);
    }

    /**
     * {@link #oneTileWide} over 14 pixels ({@link #FOURTEEN_PIXELS}): rows 14 or 28 wide need no wasted
     * pixels per call.
     */
    public static void oneTileFourteen(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {
        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;
        int wa = tile * tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
        for (int ki = 0; ki < KERNEL; ki++) {
            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;
            for (int c = 0; c < ch; c++, xi++, wi += LANES) {
                FloatVector p0 = FloatVector.fromArray(F, q, wa + wi), p1 = FloatVector.fromArray(F, q, wa + wi + tapFloats),
                        p2 = FloatVector.fromArray(F, q, wa + wi + 2 * tapFloats);
                FloatVector v;
                int xj = xi;
                v = FloatVector.broadcast(F, x[xj]);
                a0 = v.fma(p0, a0);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a1 = v.fma(p0, a1);
                a0 = v.fma(p1, a0);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a2 = v.fma(p0, a2);
                a1 = v.fma(p1, a1);
                a0 = v.fma(p2, a0);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a3 = v.fma(p0, a3);
                a2 = v.fma(p1, a2);
                a1 = v.fma(p2, a1);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a4 = v.fma(p0, a4);
                a3 = v.fma(p1, a3);
                a2 = v.fma(p2, a2);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a5 = v.fma(p0, a5);
                a4 = v.fma(p1, a4);
                a3 = v.fma(p2, a3);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a6 = v.fma(p0, a6);
                a5 = v.fma(p1, a5);
                a4 = v.fma(p2, a4);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a7 = v.fma(p0, a7);
                a6 = v.fma(p1, a6);
                a5 = v.fma(p2, a5);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a8 = v.fma(p0, a8);
                a7 = v.fma(p1, a7);
                a6 = v.fma(p2, a6);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a9 = v.fma(p0, a9);
                a8 = v.fma(p1, a8);
                a7 = v.fma(p2, a7);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a10 = v.fma(p0, a10);
                a9 = v.fma(p1, a9);
                a8 = v.fma(p2, a8);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a11 = v.fma(p0, a11);
                a10 = v.fma(p1, a10);
                a9 = v.fma(p2, a9);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a12 = v.fma(p0, a12);
                a11 = v.fma(p1, a11);
                a10 = v.fma(p2, a10);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a13 = v.fma(p0, a13);
                a12 = v.fma(p1, a12);
                a11 = v.fma(p2, a11);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a13 = v.fma(p1, a13);
                a12 = v.fma(p2, a12);
                xj += ch;
                v = FloatVector.broadcast(F, x[xj]);
                a13 = v.fma(p2, a13);
            }
        }
        int s = sOff;
        a0.intoArray(sums, s);
        a1.intoArray(sums, s += sStride);
        a2.intoArray(sums, s += sStride);
        a3.intoArray(sums, s += sStride);
        a4.intoArray(sums, s += sStride);
        a5.intoArray(sums, s += sStride);
        a6.intoArray(sums, s += sStride);
        a7.intoArray(sums, s += sStride);
        a8.intoArray(sums, s += sStride);
        a9.intoArray(sums, s += sStride);
        a10.intoArray(sums, s += sStride);
        a11.intoArray(sums, s += sStride);
        a12.intoArray(sums, s += sStride);
        a13.intoArray(sums, s += sStride);
    }
}
