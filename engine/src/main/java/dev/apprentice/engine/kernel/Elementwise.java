package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized element-wise kernels over flat arrays. Each runs a Vector API body over whole
 * vectors and a scalar tail, split over the pool for large arrays; same-shape operands only
 * (broadcasting lives in the ops).
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Elementwise() {}

    /**
     * Arrays of at least this many elements are split over the pool: these kernels are bound by
     * memory traffic, and a training step spent a third of its wall time in them on one core
     * while the other waited. Each element is computed the same way in any split.
     */
    private static final int PARALLEL_GRAIN = 1 << 15;

    /** dst[i] += src[i] for i in [off, off+len). */
    public static void addInPlace(float[] dst, float[] src, int off, int len) {
        Parallel.forRange(len, PARALLEL_GRAIN, (from, to) -> {
            int i = off + from, end = off + to, vEnd = i + S.loopBound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, dst, i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
            for (; i < end; i++) dst[i] += src[i];
        });
    }

    /** dst[i] = src[i] (a parallel copy of a large array). */
    public static void copy(float[] src, float[] dst) {
        Parallel.forRange(src.length, PARALLEL_GRAIN, (from, to) -> System.arraycopy(src, from, dst, from, to - from));
    }

    /** y[i] += alpha * x[i] over n elements from the given offsets. */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            for (; i < to; i++) y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]); // as the vector body: any split, same bits
        });
    }

    /** out = a + b. */
    public static void add(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            for (; i < to; i++) out[i] = a[i] + b[i];
        });
    }

    /** out = a - b. */
    public static void sub(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            for (; i < to; i++) out[i] = a[i] - b[i];
        });
    }

    /** out = a * b. */
    public static void mul(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            for (; i < to; i++) out[i] = a[i] * b[i];
        });
    }

    /** out = a / b. */
    public static void div(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).div(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            for (; i < to; i++) out[i] = a[i] / b[i];
        });
    }

    /** out = a * s + t. */
    public static void affine(float[] a, float s, float t, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            FloatVector vs = FloatVector.broadcast(S, s), vt = FloatVector.broadcast(S, t);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, i).fma(vs, vt).intoArray(out, i);
            for (; i < to; i++) out[i] = Math.fma(a[i], s, t); // as the vector body: any split, same bits
        });
    }

    /** out = max(a, 0). */
    public static void relu(float[] a, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, i).max(0f).intoArray(out, i);
            for (; i < to; i++) out[i] = Math.max(a[i], 0f);
        });
    }

    /** gradIn += gradOut where y > 0 (relu backward, y = relu output). */
    public static void reluBackward(float[] y, float[] gradOut, float[] gradIn) {
        Parallel.forRange(y.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L) {
                FloatVector vy = FloatVector.fromArray(S, y, i);
                FloatVector g = FloatVector.fromArray(S, gradOut, i);
                FloatVector acc = FloatVector.fromArray(S, gradIn, i);
                acc.add(g, vy.compare(VectorOperators.GT, 0f)).intoArray(gradIn, i);
            }
            for (; i < to; i++) if (y[i] > 0) gradIn[i] += gradOut[i];
        });
    }

    /** gradIn = gradOut where y > 0, else 0: relu backward into a fresh gradient (gradIn may hold anything). */
    public static void reluBackwardInto(float[] y, float[] gradOut, float[] gradIn) {
        Parallel.forRange(y.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            FloatVector zero = FloatVector.zero(S);
            for (; i < vEnd; i += L) {
                FloatVector vy = FloatVector.fromArray(S, y, i);
                zero.blend(FloatVector.fromArray(S, gradOut, i), vy.compare(VectorOperators.GT, 0f)).intoArray(gradIn, i);
            }
            for (; i < to; i++) gradIn[i] = y[i] > 0 ? gradOut[i] : 0f;
        });
    }

    /** out = min(max(a, lo), hi). */
    public static void clamp(float[] a, float lo, float hi, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, i).max(lo).min(hi).intoArray(out, i);
            for (; i < to; i++) out[i] = Math.min(Math.max(a[i], lo), hi);
        });
    }

    /** Sum of a[off, off+len), accumulated in vector lanes then reduced (fixed order). */
    public static float sum(float[] a, int off, int len) {
        float[] lanes = new float[L];
        int i = 0, vEnd = S.loopBound(len);
        FloatVector acc = FloatVector.zero(S);
        for (; i < vEnd; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        acc.intoArray(lanes, 0);
            float s = Lanes.sum(lanes, L);
        for (; i < len; i++) s += a[off + i];
        return s;
    }

    /** Dot product of a[aOff..] and b[bOff..] over len elements. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        float[] lanes = new float[L];
        int i = 0, vEnd = S.loopBound(len);
        FloatVector acc = FloatVector.zero(S);
        for (; i < vEnd; i += L)
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        acc.intoArray(lanes, 0);
            float s = Lanes.sum(lanes, L);
        for (; i < len; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** a[off, off+len) *= s. */
    public static void scaleInPlace(float[] a, int off, int len, float s) {
        Parallel.forRange(len, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + S.loopBound(to - from);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, off + i).mul(s).intoArray(a, off + i);
            for (; i < to; i++) a[off + i] *= s;
        });
    }
}
