package dev.apprentice.quant.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution micro-kernel of the CPU backend: 8 output pixels × 16 or 32 output channels,
 * sums over kernel taps and input channels (an implicit im2col: pixel r's activation for tap t,
 * channel c is x[base_r + tapOffsets[t] + c]).
 *
 * <p>Exact in float: activations are codes (integers ≤ 255) as floats, weights are decoded in
 * registers from {@link LaneWords} (two shifts and an int→float conversion per 16 weights; never
 * stored as floats), and every product and partial sum is an integer below 2^24 in magnitude
 * (the caller limits taps per pass by {@link LaneWords#maxTapsPerPass}), so FMA sums equal the
 * int32 sums in any order: the result is (float) Σ q·u, as the epilogue specifies.
 *
 * <p>Why float FMA and not 16-bit integer multiplies: the Vector API has no vpmaddwd/VNNI, and a
 * 16-bit vpmullw + vpaddw pair gives 32 products in two ops where two FMAs give the same 32,
 * with no 16-bit overflow flushes. Each broadcast activation feeds one FMA per channel tile; each
 * decoded weight vector feeds 8 FMAs (the 8 pixels), so decoding costs 3 ops per 8 FMAs.
 *
 * <p>Every vector stays in a local and every operation is spelled inline: C2 boxes vectors passed
 * to helpers it does not inline (see Int4Matrix).
 */
public final class FloatTapKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final int LANES = LaneWords.LANES;

    private FloatTapKernel() {}

    /**
     * Channel tiles tile and tile + 1 (32 output channels) × 8 pixels, taps [t0, t1): sums of pixel
     * r, channel tile·16 + i at sums[sOff + r·sStride + i] (i &lt; 32).
     */
    public static void twoTiles(LaneWords w, int tile, int t0, int t1, int[] tapOffsets, float[] x,
                                int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                                float[] sums, int sOff, int sStride) {
        int[] words = w.words;
        int groups = w.groups, per = w.perWord, bits = w.bits, right = 32 - bits;
        int tileWords = w.taps * groups * LANES;
        int wa = tile * tileWords, wb = wa + tileWords;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        for (int t = t0; t < t1; t++) {
            int xt = tapOffsets[t], wi = t * groups * LANES;
            for (int g = 0; g < groups; g++, wi += LANES) {
                IntVector ua = IntVector.fromArray(I, words, wa + wi), ub = IntVector.fromArray(I, words, wb + wi);
                for (int j = 0; j < per; j++) {
                    int left = right - bits * j, xi = xt + g * per + j;
                    FloatVector qa = (FloatVector) ua.lanewise(VectorOperators.LSHL, left).lanewise(VectorOperators.ASHR, right).convert(VectorOperators.I2F, 0);
                    FloatVector qb = (FloatVector) ub.lanewise(VectorOperators.LSHL, left).lanewise(VectorOperators.ASHR, right).convert(VectorOperators.I2F, 0);
                    FloatVector v = FloatVector.broadcast(F, x[b0 + xi]);
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
                }
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
     * One channel tile (16 output channels) × 8 pixels, taps [t0, t1), sums at sums[sOff + r·sStride + i]
     * (i &lt; 16). Even and odd input channels sum in separate accumulators (16 independent FMA
     * chains, as in {@link #twoTiles}), added at the end (exact: integers).
     */
    public static void oneTile(LaneWords w, int tile, int t0, int t1, int[] tapOffsets, float[] x,
                               int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                               float[] sums, int sOff, int sStride) {
        int[] words = w.words;
        int groups = w.groups, per = w.perWord, bits = w.bits, right = 32 - bits;
        int wa = tile * w.taps * groups * LANES;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        for (int t = t0; t < t1; t++) {
            int xt = tapOffsets[t], wi = wa + t * groups * LANES;
            for (int g = 0; g < groups; g++, wi += LANES) {
                IntVector u = IntVector.fromArray(I, words, wi);
                for (int j = 0; j < per; j += 2) {
                    int left = right - bits * j, xi = xt + g * per + j;
                    FloatVector qa = (FloatVector) u.lanewise(VectorOperators.LSHL, left).lanewise(VectorOperators.ASHR, right).convert(VectorOperators.I2F, 0);
                    FloatVector qb = (FloatVector) u.lanewise(VectorOperators.LSHL, left - bits).lanewise(VectorOperators.ASHR, right).convert(VectorOperators.I2F, 0);
                    a0 = FloatVector.broadcast(F, x[b0 + xi]).fma(qa, a0);
                    c0 = FloatVector.broadcast(F, x[b0 + xi + 1]).fma(qb, c0);
                    a1 = FloatVector.broadcast(F, x[b1 + xi]).fma(qa, a1);
                    c1 = FloatVector.broadcast(F, x[b1 + xi + 1]).fma(qb, c1);
                    a2 = FloatVector.broadcast(F, x[b2 + xi]).fma(qa, a2);
                    c2 = FloatVector.broadcast(F, x[b2 + xi + 1]).fma(qb, c2);
                    a3 = FloatVector.broadcast(F, x[b3 + xi]).fma(qa, a3);
                    c3 = FloatVector.broadcast(F, x[b3 + xi + 1]).fma(qb, c3);
                    a4 = FloatVector.broadcast(F, x[b4 + xi]).fma(qa, a4);
                    c4 = FloatVector.broadcast(F, x[b4 + xi + 1]).fma(qb, c4);
                    a5 = FloatVector.broadcast(F, x[b5 + xi]).fma(qa, a5);
                    c5 = FloatVector.broadcast(F, x[b5 + xi + 1]).fma(qb, c5);
                    a6 = FloatVector.broadcast(F, x[b6 + xi]).fma(qa, a6);
                    c6 = FloatVector.broadcast(F, x[b6 + xi + 1]).fma(qb, c6);
                    a7 = FloatVector.broadcast(F, x[b7 + xi]).fma(qa, a7);
                    c7 = FloatVector.broadcast(F, x[b7 + xi + 1]).fma(qb, c7);
                }
            }
        }
        int s = sOff;
        a0.add(c0).intoArray(sums, s);
        a1.add(c1).intoArray(sums, s += sStride);
        a2.add(c2).intoArray(sums, s += sStride);
        a3.add(c3).intoArray(sums, s += sStride);
        a4.add(c4).intoArray(sums, s += sStride);
        a5.add(c5).intoArray(sums, s += sStride);
        a6.add(c6).intoArray(sums, s += sStride);
        a7.add(c7).intoArray(sums, s += sStride);
    }
}
