package dev.apprentice.quant.packed;

/**
 * The arithmetic after a packed layer's accumulation, specified exactly so that every backend
 * (Vector API, CUDA) produces bit-identical codes:
 * <pre>
 *   y    = fma((float) acc, outScale[o], outBias[o])          acc: int32 sum of q·u, or the float sum of an F32 layer
 *   y    = y + residual                                       residual: float, or code · (1f / levels) as float
 *   code = (int) rint(min(max(y, 0f), 1f) · levels)           levels = 2^bits − 1, ties to even
 * </pre>
 * Float sums (F32 layers, pooling) run in index order from 0 with fma, so they are exact functions
 * of their inputs too.
 */
public final class Epilogue {
    private Epilogue() {}

    public static float scale(float acc, float outScale, float outBias) {
        return Math.fma(acc, outScale, outBias);
    }

    /** The real value a code stands for: code · (1 / levels). */
    public static float dequantize(int code, int levels) {
        return code * (1f / levels);
    }

    /** The activation code of y on 0 .. levels. */
    public static int quantize(float y, int levels) {
        return (int) Math.rint(Math.min(Math.max(y, 0f), 1f) * levels);
    }
}
