package dev.apprentice.quant.kernel;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Multiplication-free 3×3 convolution sums, vectorized over pixels: for one output channel and
 * {@link #PIXELS} consecutive output pixels, Σ over its {@link SignedTaps} of ±m · x[j + offset],
 * with x the input codes as 16-bit values in zero-padded planar rows. Each listed tap costs four
 * 32-lane 16-bit adds; zero weights are not listed, so a ternary layer with half its weights zero
 * runs about three times the dense multiply-adds per second of the float-FMA kernels (which are
 * bound by the FMA peak: the Vector API has no integer dot product).
 *
 * <p>Exact: a group's 16-bit sums take at most {@link #chunk} taps (|sum| ≤ chunk · maxCode ≤ 32767)
 * before they are widened, times the group's magnitude, into int32 sums.
 */
public final class AddKernel {
    /** Output pixels per call: four 512-bit vectors of 16-bit sums. */
    public static final int PIXELS = 128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final int SL = S.length(), IL = I.length();

    private AddKernel() {}

    /** Taps a 16-bit sum may take before it is widened, for input codes up to maxCode. */
    public static int chunk(int maxCode) {
        return Math.max(1, Short.MAX_VALUE / Math.max(1, maxCode));
    }

    /**
     * sums[sOff + p] = Σ_taps w · x[j0 + p + offset] for p &lt; {@link #PIXELS}, output channel o of
     * w, offsets from {@link SignedTaps#offsets}; x must hold j0 + PIXELS − 1 + the largest offset.
     */
    public static void sums(SignedTaps w, int o, int[] offsets, short[] x, int j0, int chunk, int[] sums, int sOff) {
        IntVector s0 = IntVector.zero(I), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int g = w.channelGroups[o], gEnd = w.channelGroups[o + 1]; g < gEnd; g++) {
            int m = w.magnitude[g], neg = w.negative[g], end = w.start[g + 1];
            for (int e = w.start[g]; e < end; ) {
                int chunkEnd = Math.min(end, e + chunk), plusEnd = Math.min(chunkEnd, neg);
                ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (; e < plusEnd; e++) {
                    int at = j0 + offsets[e];
                    a0 = a0.add(ShortVector.fromArray(S, x, at));
                    a1 = a1.add(ShortVector.fromArray(S, x, at + SL));
                    a2 = a2.add(ShortVector.fromArray(S, x, at + 2 * SL));
                    a3 = a3.add(ShortVector.fromArray(S, x, at + 3 * SL));
                }
                for (; e < chunkEnd; e++) {
                    int at = j0 + offsets[e];
                    a0 = a0.sub(ShortVector.fromArray(S, x, at));
                    a1 = a1.sub(ShortVector.fromArray(S, x, at + SL));
                    a2 = a2.sub(ShortVector.fromArray(S, x, at + 2 * SL));
                    a3 = a3.sub(ShortVector.fromArray(S, x, at + 3 * SL));
                }
                IntVector w0 = (IntVector) a0.convertShape(VectorOperators.S2I, I, 0), w1 = (IntVector) a0.convertShape(VectorOperators.S2I, I, 1);
                IntVector w2 = (IntVector) a1.convertShape(VectorOperators.S2I, I, 0), w3 = (IntVector) a1.convertShape(VectorOperators.S2I, I, 1);
                IntVector w4 = (IntVector) a2.convertShape(VectorOperators.S2I, I, 0), w5 = (IntVector) a2.convertShape(VectorOperators.S2I, I, 1);
                IntVector w6 = (IntVector) a3.convertShape(VectorOperators.S2I, I, 0), w7 = (IntVector) a3.convertShape(VectorOperators.S2I, I, 1);
                if (m != 1) {
                    w0 = w0.mul(m); w1 = w1.mul(m); w2 = w2.mul(m); w3 = w3.mul(m);
                    w4 = w4.mul(m); w5 = w5.mul(m); w6 = w6.mul(m); w7 = w7.mul(m);
                }
                s0 = s0.add(w0); s1 = s1.add(w1); s2 = s2.add(w2); s3 = s3.add(w3);
                s4 = s4.add(w4); s5 = s5.add(w5); s6 = s6.add(w6); s7 = s7.add(w7);
            }
        }
        s0.intoArray(sums, sOff);
        s1.intoArray(sums, sOff + IL);
        s2.intoArray(sums, sOff + 2 * IL);
        s3.intoArray(sums, sOff + 3 * IL);
        s4.intoArray(sums, sOff + 4 * IL);
        s5.intoArray(sums, sOff + 5 * IL);
        s6.intoArray(sums, sOff + 6 * IL);
        s7.intoArray(sums, sOff + 7 * IL);
    }
}
