package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The row-kernel family's member for any kernel size and stride (channel-minor padded rows, as
 * {@link FloatRowKernel} reads them): 8 output pixels × one or two vectors of output channels, sums
 * over kernel taps and input channels, an implicit im2col (pixel r's activation for tap t, channel c
 * is x[base_r + tapOffsets[t] + c]). Each sum adds its products in (tap, input channel) order.
 * Inference runs the layers the row kernel does not take (strided, 1×1) through it; the packed
 * path's integer codes as floats keep every sum exact below 2^24 (its caller bounds the taps a pass).
 *
 * <p>Every vector stays in a local and every operation is spelled inline: C2 boxes vectors passed
 * to helpers it does not inline (see Int4Matrix).
 */
public final class FloatTapKernel {
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    /** Output channels per tile: one vector, as in {@link FloatRowKernel}. */
    private static final int LANES = FloatRowKernel.LANES;
    /** Output pixels per call. */
    public static final int PIXELS = 8;
    /** Input channels per pixel must be a multiple of this (the kernels' unrolling); pad with zeros. */
    public static final int CHANNEL_STEP = 4;
    /** Whether {@link #twoTiles} (16 accumulators, 2 weight vectors) fits the vector registers: 32 of them. */
    private static final boolean TWO_TILES = VectorWidth.REGISTERS >= 32;

    private FloatTapKernel() {}

    /**
     * Sums of 8 pixels (top-left taps at x[b0 ..], ..., x[b7 ..]) × all tiles over taps [t0, t1): pixel
     * r, output channel o at sums[sOff + r·sStride + o]. Weights q in the layout of {@link FloatRowKernel}
     * (tiles of L output channels, then tap, then input channel) with ch input channels, a multiple of
     * {@link #CHANNEL_STEP}; tap t of a pixel at offset tapOffsets[t] from its base. Where the JVM
     * compiles no vector code, the plain twin {@link FloatTapKernelScalar} runs.
     */
    public static void pixels(float[] q, int ch, int taps, int tiles, int t0, int t1, int[] tapOffsets, float[] x,
                              int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7, float[] sums, int sOff, int sStride) {
        if (!VectorWidth.VECTOR) {
            FloatTapKernelScalar.pixels(q, ch, taps, tiles, t0, t1, tapOffsets, x, new int[] {b0, b1, b2, b3, b4, b5, b6, b7}, sums, sOff, sStride);
            return;
        }
        int tile = 0;
        for (; TWO_TILES && tile + 2 <= tiles; tile += 2)
            twoTiles(q, ch, taps, tile, t0, t1, tapOffsets, x, b0, b1, b2, b3, b4, b5, b6, b7, sums, sOff + tile * LANES, sStride);
        for (; tile < tiles; tile++)
            oneTile(q, ch, taps, tile, t0, t1, tapOffsets, x, b0, b1, b2, b3, b4, b5, b6, b7, sums, sOff + tile * LANES, sStride);
    }

    /**
     * Channel tiles tile and tile + 1 (2L output channels) × 8 pixels, taps [t0, t1): sums of pixel
     * r, channel tile·L + i at sums[sOff + r·sStride + i] (i &lt; 2L). Only with 32 vector registers ({@link #TWO_TILES}).
     */
    static void twoTiles(float[] q, int ch, int taps, int tile, int t0, int t1, int[] tapOffsets, float[] x,
                         int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                         float[] sums, int sOff, int sStride) {
        int tileFloats = taps * ch * LANES;
        int wa = tile * tileFloats, wb = wa + tileFloats;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        for (int t = t0; t < t1; t++) {
            int xt = tapOffsets[t], wi = t * ch * LANES;
            for (int c = 0; c < ch; c += 4, wi += 4 * LANES) {
                int xi = xt + c;
                FloatVector qa, qb, v;
                qa = FloatVector.fromArray(F, q, wa + wi);
                qb = FloatVector.fromArray(F, q, wb + wi);
                v = FloatVector.broadcast(F, x[b0 + xi]);
                a0 = v.fma(qa, a0);
                c0 = v.fma(qb, c0);
                v = FloatVector.broadcast(F, x[b1 + xi]);
                a1 = v.fma(qa, a1);
                c1 = v.fma(qb, c1);
                v = FloatVector.broadcast(F, x[b2 + xi]);
                a2 = v.fma(qa, a2);
                c2 = v.fma(qb, c2);
                v = FloatVector.broadcast(F, x[b3 + xi]);
                a3 = v.fma(qa, a3);
                c3 = v.fma(qb, c3);
                v = FloatVector.broadcast(F, x[b4 + xi]);
                a4 = v.fma(qa, a4);
                c4 = v.fma(qb, c4);
                v = FloatVector.broadcast(F, x[b5 + xi]);
                a5 = v.fma(qa, a5);
                c5 = v.fma(qb, c5);
                v = FloatVector.broadcast(F, x[b6 + xi]);
                a6 = v.fma(qa, a6);
                c6 = v.fma(qb, c6);
                v = FloatVector.broadcast(F, x[b7 + xi]);
                a7 = v.fma(qa, a7);
                c7 = v.fma(qb, c7);
                qa = FloatVector.fromArray(F, q, wa + wi + LANES);
                qb = FloatVector.fromArray(F, q, wb + wi + LANES);
                v = FloatVector.broadcast(F, x[b0 + xi + 1]);
                a0 = v.fma(qa, a0);
                c0 = v.fma(qb, c0);
                v = FloatVector.broadcast(F, x[b1 + xi + 1]);
                a1 = v.fma(qa, a1);
                c1 = v.fma(qb, c1);
                v = FloatVector.broadcast(F, x[b2 + xi + 1]);
                a2 = v.fma(qa, a2);
                c2 = v.fma(qb, c2);
                v = FloatVector.broadcast(F, x[b3 + xi + 1]);
                a3 = v.fma(qa, a3);
                c3 = v.fma(qb, c3);
                v = FloatVector.broadcast(F, x[b4 + xi + 1]);
                a4 = v.fma(qa, a4);
                c4 = v.fma(qb, c4);
                v = FloatVector.broadcast(F, x[b5 + xi + 1]);
                a5 = v.fma(qa, a5);
                c5 = v.fma(qb, c5);
                v = FloatVector.broadcast(F, x[b6 + xi + 1]);
                a6 = v.fma(qa, a6);
                c6 = v.fma(qb, c6);
                v = FloatVector.broadcast(F, x[b7 + xi + 1]);
                a7 = v.fma(qa, a7);
                c7 = v.fma(qb, c7);
                qa = FloatVector.fromArray(F, q, wa + wi + 2 * LANES);
                qb = FloatVector.fromArray(F, q, wb + wi + 2 * LANES);
                v = FloatVector.broadcast(F, x[b0 + xi + 2]);
                a0 = v.fma(qa, a0);
                c0 = v.fma(qb, c0);
                v = FloatVector.broadcast(F, x[b1 + xi + 2]);
                a1 = v.fma(qa, a1);
                c1 = v.fma(qb, c1);
                v = FloatVector.broadcast(F, x[b2 + xi + 2]);
                a2 = v.fma(qa, a2);
                c2 = v.fma(qb, c2);
                v = FloatVector.broadcast(F, x[b3 + xi + 2]);
                a3 = v.fma(qa, a3);
                c3 = v.fma(qb, c3);
                v = FloatVector.broadcast(F, x[b4 + xi + 2]);
                a4 = v.fma(qa, a4);
                c4 = v.fma(qb, c4);
                v = FloatVector.broadcast(F, x[b5 + xi + 2]);
                a5 = v.fma(qa, a5);
                c5 = v.fma(qb, c5);
                v = FloatVector.broadcast(F, x[b6 + xi + 2]);
                a6 = v.fma(qa, a6);
                c6 = v.fma(qb, c6);
                v = FloatVector.broadcast(F, x[b7 + xi + 2]);
                a7 = v.fma(qa, a7);
                c7 = v.fma(qb, c7);
                qa = FloatVector.fromArray(F, q, wa + wi + 3 * LANES);
                qb = FloatVector.fromArray(F, q, wb + wi + 3 * LANES);
                v = FloatVector.broadcast(F, x[b0 + xi + 3]);
                a0 = v.fma(qa, a0);
                c0 = v.fma(qb, c0);
                v = FloatVector.broadcast(F, x[b1 + xi + 3]);
                a1 = v.fma(qa, a1);
                c1 = v.fma(qb, c1);
                v = FloatVector.broadcast(F, x[b2 + xi + 3]);
                a2 = v.fma(qa, a2);
                c2 = v.fma(qb, c2);
                v = FloatVector.broadcast(F, x[b3 + xi + 3]);
                a3 = v.fma(qa, a3);
                c3 = v.fma(qb, c3);
                v = FloatVector.broadcast(F, x[b4 + xi + 3]);
                a4 = v.fma(qa, a4);
                c4 = v.fma(qb, c4);
                v = FloatVector.broadcast(F, x[b5 + xi + 3]);
                a5 = v.fma(qa, a5);
                c5 = v.fma(qb, c5);
                v = FloatVector.broadcast(F, x[b6 + xi + 3]);
                a6 = v.fma(qa, a6);
                c6 = v.fma(qb, c6);
                v = FloatVector.broadcast(F, x[b7 + xi + 3]);
                a7 = v.fma(qa, a7);
                c7 = v.fma(qb, c7);
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

    /**
     * One channel tile (L output channels) × 8 pixels, taps [t0, t1), sums at sums[sOff + r·sStride + i]
     * (i &lt; L). Eight accumulators: eight FMA chains cover the FMA latency.
     */
    static void oneTile(float[] q, int ch, int taps, int tile, int t0, int t1, int[] tapOffsets, float[] x,
                        int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                        float[] sums, int sOff, int sStride) {
        int wa = tile * taps * ch * LANES;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int t = t0; t < t1; t++) {
            int xt = tapOffsets[t], wi = wa + t * ch * LANES;
            for (int c = 0; c < ch; c += 4, wi += 4 * LANES) {
                int xi = xt + c;
                FloatVector qa;
                qa = FloatVector.fromArray(F, q, wi);
                a0 = FloatVector.broadcast(F, x[b0 + xi]).fma(qa, a0);
                a1 = FloatVector.broadcast(F, x[b1 + xi]).fma(qa, a1);
                a2 = FloatVector.broadcast(F, x[b2 + xi]).fma(qa, a2);
                a3 = FloatVector.broadcast(F, x[b3 + xi]).fma(qa, a3);
                a4 = FloatVector.broadcast(F, x[b4 + xi]).fma(qa, a4);
                a5 = FloatVector.broadcast(F, x[b5 + xi]).fma(qa, a5);
                a6 = FloatVector.broadcast(F, x[b6 + xi]).fma(qa, a6);
                a7 = FloatVector.broadcast(F, x[b7 + xi]).fma(qa, a7);
                qa = FloatVector.fromArray(F, q, wi + LANES);
                a0 = FloatVector.broadcast(F, x[b0 + xi + 1]).fma(qa, a0);
                a1 = FloatVector.broadcast(F, x[b1 + xi + 1]).fma(qa, a1);
                a2 = FloatVector.broadcast(F, x[b2 + xi + 1]).fma(qa, a2);
                a3 = FloatVector.broadcast(F, x[b3 + xi + 1]).fma(qa, a3);
                a4 = FloatVector.broadcast(F, x[b4 + xi + 1]).fma(qa, a4);
                a5 = FloatVector.broadcast(F, x[b5 + xi + 1]).fma(qa, a5);
                a6 = FloatVector.broadcast(F, x[b6 + xi + 1]).fma(qa, a6);
                a7 = FloatVector.broadcast(F, x[b7 + xi + 1]).fma(qa, a7);
                qa = FloatVector.fromArray(F, q, wi + 2 * LANES);
                a0 = FloatVector.broadcast(F, x[b0 + xi + 2]).fma(qa, a0);
                a1 = FloatVector.broadcast(F, x[b1 + xi + 2]).fma(qa, a1);
                a2 = FloatVector.broadcast(F, x[b2 + xi + 2]).fma(qa, a2);
                a3 = FloatVector.broadcast(F, x[b3 + xi + 2]).fma(qa, a3);
                a4 = FloatVector.broadcast(F, x[b4 + xi + 2]).fma(qa, a4);
                a5 = FloatVector.broadcast(F, x[b5 + xi + 2]).fma(qa, a5);
                a6 = FloatVector.broadcast(F, x[b6 + xi + 2]).fma(qa, a6);
                a7 = FloatVector.broadcast(F, x[b7 + xi + 2]).fma(qa, a7);
                qa = FloatVector.fromArray(F, q, wi + 3 * LANES);
                a0 = FloatVector.broadcast(F, x[b0 + xi + 3]).fma(qa, a0);
                a1 = FloatVector.broadcast(F, x[b1 + xi + 3]).fma(qa, a1);
                a2 = FloatVector.broadcast(F, x[b2 + xi + 3]).fma(qa, a2);
                a3 = FloatVector.broadcast(F, x[b3 + xi + 3]).fma(qa, a3);
                a4 = FloatVector.broadcast(F, x[b4 + xi + 3]).fma(qa, a4);
                a5 = FloatVector.broadcast(F, x[b5 + xi + 3]).fma(qa, a5);
                a6 = FloatVector.broadcast(F, x[b6 + xi + 3]).fma(qa, a6);
                a7 = FloatVector.broadcast(F, x[b7 + xi + 3]).fma(qa, a7);
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
}
