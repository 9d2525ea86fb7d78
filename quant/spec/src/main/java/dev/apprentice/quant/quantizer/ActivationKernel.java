package dev.apprentice.quant.quantizer;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * k-bit activation quantization, out = rint(clamp(x, 0, 1) · L) · (1/L), vectorized. It is the
 * same function as {@link Epilogue#dequantize}({@link Epilogue#quantize}), so a fake-quantized
 * network computes exactly the activation values its packed version carries as codes.
 */
public final class ActivationKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    /** Adding then subtracting 2^23 rounds to nearest even any float in [0, 2^23): the Vector API has no rint. */
    private static final float ROUNDER = 8388608f;

    private ActivationKernel() {}

    public static void quantize(float[] x, int levels, float[] out) {
        final float step = 1f / levels, lv = levels;
        Parallel.forRange(x.length, 1 << 15, (from, to) -> {
            int i = from, vEnd = from + (VectorWidth.VECTOR ? S.loopBound(to - from) : 0);
            for (; i < vEnd; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, i).max(0f).min(1f).mul(lv);
                v.add(ROUNDER).sub(ROUNDER).mul(step).intoArray(out, i);
            }
            for (; i < to; i++) out[i] = Epilogue.dequantize(Epilogue.quantize(x[i], levels), levels);
        });
    }

    /** gx[i] += g[i] where 0 ≤ x[i] ≤ 1 (the straight-through gradient of the clamp). */
    public static void backward(float[] x, float[] g, float[] gx) {
        Parallel.forRange(x.length, 1 << 15, (from, to) -> {
            int i = from, vEnd = from + (VectorWidth.VECTOR ? S.loopBound(to - from) : 0);
            for (; i < vEnd; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                var inside = v.compare(VectorOperators.GE, 0f).and(v.compare(VectorOperators.LE, 1f));
                FloatVector.fromArray(S, gx, i).add(FloatVector.fromArray(S, g, i), inside).intoArray(gx, i);
            }
            for (; i < to; i++) if (x[i] >= 0f && x[i] <= 1f) gx[i] += g[i];
        });
    }
}
