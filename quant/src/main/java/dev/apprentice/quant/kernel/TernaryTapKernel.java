package dev.apprentice.quant.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ternary convolution by table lookup, with no multiply: every input pixel's channels, three at a
 * time, become a table of the 27 sums d0·x0 + d1·x1 + d2·x2 (d ∈ {−1, 0, 1}) in 16-bit lanes
 * ({@link #tables}, built once per pixel, then read by all the kernel taps and output channels
 * over it), and one vpermw ({@code selectFrom}) looks up a group's sums for 32 output channels
 * at once (3 × 32 multiply-adds in one op). Pixel r of a tile reads tap t, group g at
 * tables[base_r + stepOffsets[t·groups + g]], so there is no im2col and no per-pixel lookup of
 * shared tables.
 *
 * <p>Sums stay in 16 bits for {@link #FLUSH} steps (|table entry| ≤ 3·255, 42·765 &lt; 2^15), then
 * are added into int32 sums in memory: exact.
 */
public final class TernaryTapKernel {
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final int LANES = TernaryStates.LANES;
    /** Table lookups summed in 16 bits before widening: 42 · 3 · 255 = 32130 &lt; 2^15. */
    static final int FLUSH = 42;
    /** The digit tables of {@link TernaryLutMatrix}: the weight of activation j in each state. */
    private static final ShortVector DIGIT0 = TernaryLutMatrix.DIGIT0, DIGIT1 = TernaryLutMatrix.DIGIT1, DIGIT2 = TernaryLutMatrix.DIGIT2;

    private TernaryTapKernel() {}

    /**
     * The tables of one pixel: codes x[src, src + channels) (unsigned bytes) in groups of three
     * (the last zero-padded) into dst[dOff + g·32, +32) for g &lt; groups.
     */
    public static void tables(byte[] x, int src, int channels, int groups, short[] dst, int dOff) {
        for (int g = 0, c = 0; g < groups; g++, c += 3, dOff += LANES) {
            short x0 = (short) (x[src + c] & 0xff);
            short x1 = c + 1 < channels ? (short) (x[src + c + 1] & 0xff) : 0;
            short x2 = c + 2 < channels ? (short) (x[src + c + 2] & 0xff) : 0;
            DIGIT0.mul(x0).add(DIGIT1.mul(x1)).add(DIGIT2.mul(x2)).intoArray(dst, dOff);
        }
    }

    /**
     * Channel block (32 output channels) × 8 pixels over steps [0, steps) (a step is one group of
     * one tap, in (tap, group) order): int sums of pixel r, channel block·32 + i at
     * sums[sOff + r·sStride + i].
     */
    public static void block(TernaryStates w, int blk, int steps, int[] stepOffsets, short[] tables,
                             int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                             int[] sums, int sOff, int sStride) {
        byte[] states = w.states;
        int wi = blk * w.taps * w.groups * LANES;
        IntVector zero = IntVector.zero(I);
        for (int r = 0, s = sOff; r < 8; r++, s += sStride) {
            zero.intoArray(sums, s);
            zero.intoArray(sums, s + 16);
        }
        for (int s0 = 0; s0 < steps; s0 += FLUSH) {
            int s1 = Math.min(steps, s0 + FLUSH);
            ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int st = s0; st < s1; st++) {
                int off = stepOffsets[st];
                ShortVector q = (ShortVector) ByteVector.fromArray(B, states, wi + st * LANES).convertShape(VectorOperators.B2S, S, 0);
                a0 = a0.add(q.selectFrom(ShortVector.fromArray(S, tables, b0 + off)));
                a1 = a1.add(q.selectFrom(ShortVector.fromArray(S, tables, b1 + off)));
                a2 = a2.add(q.selectFrom(ShortVector.fromArray(S, tables, b2 + off)));
                a3 = a3.add(q.selectFrom(ShortVector.fromArray(S, tables, b3 + off)));
                a4 = a4.add(q.selectFrom(ShortVector.fromArray(S, tables, b4 + off)));
                a5 = a5.add(q.selectFrom(ShortVector.fromArray(S, tables, b5 + off)));
                a6 = a6.add(q.selectFrom(ShortVector.fromArray(S, tables, b6 + off)));
                a7 = a7.add(q.selectFrom(ShortVector.fromArray(S, tables, b7 + off)));
            }
            // widen into the int sums
            int s = sOff;
            IntVector lo = (IntVector) a0.convertShape(VectorOperators.S2I, I, 0), hi = (IntVector) a0.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a1.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a1.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a2.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a2.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a3.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a3.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a4.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a4.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a5.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a5.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a6.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a6.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
            s += sStride;
            lo = (IntVector) a7.convertShape(VectorOperators.S2I, I, 0);
            hi = (IntVector) a7.convertShape(VectorOperators.S2I, I, 1);
            lo.add(IntVector.fromArray(I, sums, s)).intoArray(sums, s);
            hi.add(IntVector.fromArray(I, sums, s + 16)).intoArray(sums, s + 16);
        }
    }
}
