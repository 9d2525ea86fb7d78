package dev.apprentice.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small Vector API loops over array ranges with independent offsets, for the conv, pooling and
 * batch-norm kernels. 256-bit lanes: the ranges here are short image rows and planes (7..784
 * floats), where narrower vectors leave shorter scalar tails, and on Zen 4 a 512-bit op costs
 * two 256-bit ones anyway. Reductions run in a fixed lane order, so they are deterministic.
 */
final class KernelVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    private KernelVectors() {}

    /** a[off, off+len) += v. */
    static void addScalar(float[] a, int off, int len, float v) {
        int i = 0, vEnd = S.loopBound(len);
        FloatVector bv = FloatVector.broadcast(S, v);
        for (; i < vEnd; i += L) FloatVector.fromArray(S, a, off + i).add(bv).intoArray(a, off + i);
        for (; i < len; i++) a[off + i] += v;
    }

    /** dst[dOff + i] += src[sOff + i] for i in [0, len). */
    static void addTo(float[] dst, int dOff, float[] src, int sOff, int len) {
        int i = 0, vEnd = S.loopBound(len);
        for (; i < vEnd; i += L)
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        for (; i < len; i++) dst[dOff + i] += src[sOff + i];
    }

    /** Σ a[off, off+len), in float lanes (short ranges: callers accumulate these in double). */
    static float sum(float[] a, int off, int len) {
        int i = 0, vEnd = S.loopBound(len);
        FloatVector acc = FloatVector.zero(S);
        for (; i < vEnd; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += a[off + i];
        return s;
    }

    /** Σ (a[i] − m)² over a[off, off+len). */
    static float sumSquaredDeviation(float[] a, int off, int len, float m) {
        int i = 0, vEnd = S.loopBound(len);
        FloatVector acc = FloatVector.zero(S), mv = FloatVector.broadcast(S, m);
        for (; i < vEnd; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, off + i).sub(mv);
            acc = d.fma(d, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float d = a[off + i] - m;
            s += d * d;
        }
        return s;
    }

    /** Σ b[i]·(a[i] − m) over the same range of a and b. */
    static float dotCentered(float[] a, float[] b, int off, int len, float m) {
        int i = 0, vEnd = S.loopBound(len);
        FloatVector acc = FloatVector.zero(S), mv = FloatVector.broadcast(S, m);
        for (; i < vEnd; i += L)
            acc = FloatVector.fromArray(S, a, off + i).sub(mv).fma(FloatVector.fromArray(S, b, off + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) s += (a[off + i] - m) * b[off + i];
        return s;
    }

    /** y[off + i] = x[off + i]·scale + shift. */
    static void affine(float[] x, float[] y, int off, int len, float scale, float shift) {
        int i = 0, vEnd = S.loopBound(len);
        FloatVector sv = FloatVector.broadcast(S, scale), tv = FloatVector.broadcast(S, shift);
        for (; i < vEnd; i += L) FloatVector.fromArray(S, x, off + i).fma(sv, tv).intoArray(y, off + i);
        for (; i < len; i++) y[off + i] = x[off + i] * scale + shift;
    }
}
