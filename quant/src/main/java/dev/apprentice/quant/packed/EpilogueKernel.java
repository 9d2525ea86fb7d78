package dev.apprentice.quant.packed;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Epilogue} over a block of NHWC outputs, 16 channels at a time: the same float operations
 * in the same order as the scalar specification, so the codes and floats are bit-identical. rint
 * (ties to even) is the classic magic-number rounding: for 0 ≤ x ≤ 2^23, (x + 2^23) − 2^23 rounds
 * x to the nearest integer, ties to even, exactly as Math.rint does. Channels past the last full
 * vector run through the scalar Epilogue (masked vector ops can fall back to Java code in
 * compiled callers, as found in KernelVectors). Measured: the scalar per-element epilogue (with a
 * channel modulo) took about a third of a 16-channel ternary convolution.
 */
final class EpilogueKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final int L = F.length();
    private static final float MAGIC = 8388608f;   // 2^23

    private EpilogueKernel() {}

    /**
     * out element (p0 + r)·C + c for r < count, c < C, from the sums (int sums when ints is not
     * null, else float sums), each at r·C + c: scale, residual (same NHWC index), then codes or floats.
     */
    static void apply(int[] ints, float[] floats, int count, PackedConv c, CpuActivations residual, CpuActivations out, int p0) {
        apply(ints, floats, c.outChannels(), count, c, residual, out, p0);
    }

    /** The same with the sums of pixel r at r·sumStride + c (sumStride ≥ C: kernels write whole 16-channel tiles). */
    static void apply(int[] ints, float[] floats, int sumStride, int count, PackedConv c, CpuActivations residual, CpuActivations out, int p0) {
        int ch = c.outChannels();
        float[] scale = c.outScale(), bias = c.outBias();
        boolean codes = out.bits() > 0, residualCodes = residual != null && residual.bits() > 0;
        int levels = codes ? out.levels() : 0;
        float residualStep = residualCodes ? 1f / residual.levels() : 0f;
        for (int r = 0; r < count; r++) {
            int src = r * sumStride, dst = (p0 + r) * ch, o = 0;
            for (; o <= ch - L; o += L) {
                FloatVector acc = ints != null
                        ? (FloatVector) IntVector.fromArray(I, ints, src + o).convert(VectorOperators.I2F, 0)
                        : FloatVector.fromArray(F, floats, src + o);
                FloatVector v = acc.fma(FloatVector.fromArray(F, scale, o), FloatVector.fromArray(F, bias, o));
                if (residualCodes) {
                    IntVector code = ((IntVector) ByteVector.fromArray(B, residual.codes(), dst + o).convertShape(VectorOperators.B2I, I, 0)).and(0xff);
                    v = v.add(((FloatVector) code.convert(VectorOperators.I2F, 0)).mul(residualStep));
                } else if (residual != null) {
                    v = v.add(FloatVector.fromArray(F, residual.values(), dst + o));
                }
                if (codes) {
                    FloatVector q = v.max(0f).min(1f).mul((float) levels).add(MAGIC).sub(MAGIC);
                    ((ByteVector) q.convertShape(VectorOperators.F2B, B, 0)).intoArray(out.codes(), dst + o);
                } else {
                    v.intoArray(out.values(), dst + o);
                }
            }
            for (; o < ch; o++) {
                float v = Epilogue.scale(ints != null ? (float) ints[src + o] : floats[src + o], scale[o], bias[o]);
                if (residual != null) v += residual.value(dst + o);
                if (codes) out.codes()[dst + o] = (byte) Epilogue.quantize(v, levels);
                else out.values()[dst + o] = v;
            }
        }
    }
}
