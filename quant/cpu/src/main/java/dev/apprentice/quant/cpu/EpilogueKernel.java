package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Epilogue} over a block of NHWC outputs, a vector of channels at a time: bit-identical to the scalar
 * specification (which runs the channels past the last whole vector, and everything where the JVM
 * compiles no vector code). Each tile keeps its scale and bias in registers while it runs down the
 * block's pixels. The clamp and rounding avoid Java-semantics float min/max and float-to-byte
 * conversion (each a multi-instruction sequence; together they made this pass a sixth of a packed
 * ResNet-20 at batch 64): min(max(y, 0), 1) is taken on the float's bits as ints (a set sign bit,
 * i.e. a negative y, −0 or a negative NaN, gives +0; bits above +∞, a positive NaN, give +0 as
 * (int) rint(NaN) does; above 1.0f's bits gives 1), and rint of t = clamped·levels ≤ 255 is the
 * classic magic number: t + 2^23 rounds to the nearest integer, ties to even, exactly as Math.rint,
 * and leaves it in the low mantissa bits, so the code is the low byte of the sum's bits. Channels
 * past the last full vector run through the scalar Epilogue (masked vector ops can fall back to
 * Java code in compiled callers, as found in KernelVectors).
 */
final class EpilogueKernel {
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    private static final int L = F.length();
    private static final VectorSpecies<Byte> B = CodeBytes.SPECIES;
    private static final VectorMask<Byte> CODE_LANES = CodeBytes.LANES;
    private static final boolean PARTIAL = CodeBytes.PARTIAL;
    private static final float MAGIC = 8388608f;   // 2^23
    private static final int ONE_BITS = Float.floatToRawIntBits(1f), INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

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
        apply(ints, floats, sumStride, count, c, residual, out, p0, false);
    }

    /**
     * The same; when out holds floats and relu is set, each float is then max(y, 0) taken on its bits
     * (a set sign bit gives +0), for a full-precision network ({@link FloatNetwork}); the packed
     * specification has no relu on float outputs (codes clamp instead).
     */
    static void apply(int[] ints, float[] floats, int sumStride, int count, PackedConv c, CpuActivations residual, CpuActivations out, int p0,
                      boolean relu) {
        apply(ints, floats, 0, sumStride, count, c, residual, out, p0, relu);
    }

    /** The same with pixel r's sums at sumOff + r·sumStride. */
    static void apply(int[] ints, float[] floats, int sumOff, int sumStride, int count, PackedConv c, CpuActivations residual, CpuActivations out,
                      int p0, boolean relu) {
        apply(ints, null, floats, sumOff, sumStride, count, c, residual, out, p0, relu);
    }

    /**
     * The same, adding start[o] (when not null) to each int sum of output channel o before it is scaled: the
     * integer row kernels' centring offset ({@link ShortLayer#startSums}).
     */
    static void apply(int[] ints, int[] start, float[] floats, int sumOff, int sumStride, int count, PackedConv c, CpuActivations residual,
                      CpuActivations out, int p0, boolean relu) {
        int ch = c.outChannels(), full = VectorWidth.VECTOR ? ch / L * L : 0;
        float[] scale = c.outScale(), bias = c.outBias();
        boolean codes = out.bits() > 0, residualCodes = residual != null && residual.bits() > 0;
        int levels = codes ? out.levels() : 0;
        float residualStep = residualCodes ? 1f / residual.levels() : 0f;
        for (int o = 0; o < full; o += L) {
            FloatVector s = FloatVector.fromArray(F, scale, o), b = FloatVector.fromArray(F, bias, o);
            IntVector offsets = start == null ? IntVector.zero(I) : IntVector.fromArray(I, start, o);
            for (int r = 0, src = sumOff + o, dst = p0 * ch + o; r < count; r++, src += sumStride, dst += ch) {
                FloatVector acc = ints != null
                        ? (FloatVector) IntVector.fromArray(I, ints, src).add(offsets).convert(VectorOperators.I2F, 0)
                        : FloatVector.fromArray(F, floats, src);
                FloatVector v = acc.fma(s, b);
                if (residualCodes) {
                    ByteVector in = PARTIAL ? ByteVector.fromArray(B, residual.codes(), dst, CODE_LANES) : ByteVector.fromArray(B, residual.codes(), dst);
                    IntVector code = (IntVector) in.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    v = v.add(((FloatVector) code.convert(VectorOperators.I2F, 0)).mul(residualStep));
                } else if (residual != null) {
                    v = v.add(FloatVector.fromArray(F, residual.values(), dst));
                }
                if (codes) {
                    IntVector bits = v.reinterpretAsInts().max(0);
                    bits = bits.blend(0, bits.compare(VectorOperators.GT, INFINITY_BITS)).min(ONE_BITS);
                    IntVector rounded = bits.reinterpretAsFloats().mul((float) levels).add(MAGIC).reinterpretAsInts();
                    ByteVector code = (ByteVector) rounded.convertShape(VectorOperators.I2B, B, 0);
                    if (PARTIAL) code.intoArray(out.codes(), dst, CODE_LANES);
                    else code.intoArray(out.codes(), dst);
                } else if (relu) {
                    v.reinterpretAsInts().max(0).reinterpretAsFloats().intoArray(out.values(), dst);
                } else {
                    v.intoArray(out.values(), dst);
                }
            }
        }
        for (int r = 0; full < ch && r < count; r++) {
            int src = sumOff + r * sumStride, dst = (p0 + r) * ch;
            for (int o = full; o < ch; o++) {
                float v = Epilogue.scale(ints != null ? (float) (ints[src + o] + (start == null ? 0 : start[o])) : floats[src + o], scale[o], bias[o]);
                if (residual != null) v += residual.value(dst + o);
                if (codes) out.codes()[dst + o] = (byte) Epilogue.quantize(v, levels);
                else out.values()[dst + o] = relu && Float.floatToRawIntBits(v) < 0 ? 0f : v;
            }
        }
    }
}
