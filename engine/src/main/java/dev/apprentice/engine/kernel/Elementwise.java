package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized element-wise kernels over flat arrays. Each runs a Vector API body over whole
 * vectors and its {@link ElementwiseScalar} twin over the tail (over everything where the JVM
 * compiles no vector code), split over the pool for large arrays; same-shape operands only
 * (broadcasting lives in the ops).
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    private static final boolean VECTOR = VectorWidth.VECTOR;

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
            int i = off + from, end = off + to, vEnd = i + bound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, dst, i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
            ElementwiseScalar.addInPlace(dst, src, i, end);
        });
    }

    /** dst[i] = src[i] (a parallel copy of a large array). */
    public static void copy(float[] src, float[] dst) {
        Parallel.forRange(src.length, PARALLEL_GRAIN, (from, to) -> System.arraycopy(src, from, dst, from, to - from));
    }

    /** y[i] += alpha * x[i] over n elements from the given offsets. */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            ElementwiseScalar.axpy(alpha, x, xOff, y, yOff, i, to);
        });
    }

    /** out = a + b. */
    public static void add(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            ElementwiseScalar.add(a, b, out, i, to);
        });
    }

    /** out = a - b. */
    public static void sub(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            ElementwiseScalar.sub(a, b, out, i, to);
        });
    }

    /** out = a * b. */
    public static void mul(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            ElementwiseScalar.mul(a, b, out, i, to);
        });
    }

    /** out = a / b. */
    public static void div(float[] a, float[] b, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L)
                FloatVector.fromArray(S, a, i).div(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            ElementwiseScalar.div(a, b, out, i, to);
        });
    }

    /** out = a * s + t. */
    public static void affine(float[] a, float s, float t, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            FloatVector vs = FloatVector.broadcast(S, s), vt = FloatVector.broadcast(S, t);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, i).fma(vs, vt).intoArray(out, i);
            ElementwiseScalar.affine(a, s, t, out, i, to);
        });
    }

    /** out = max(a, 0). */
    public static void relu(float[] a, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, i).max(0f).intoArray(out, i);
            ElementwiseScalar.relu(a, out, i, to);
        });
    }

    /** gradIn += gradOut where y > 0 (relu backward, y = relu output). */
    public static void reluBackward(float[] y, float[] gradOut, float[] gradIn) {
        Parallel.forRange(y.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L) {
                FloatVector vy = FloatVector.fromArray(S, y, i);
                FloatVector g = FloatVector.fromArray(S, gradOut, i);
                FloatVector acc = FloatVector.fromArray(S, gradIn, i);
                acc.add(g, vy.compare(VectorOperators.GT, 0f)).intoArray(gradIn, i);
            }
            ElementwiseScalar.reluBackward(y, gradOut, gradIn, i, to);
        });
    }

    /** gradIn = gradOut where y > 0, else 0: relu backward into a fresh gradient (gradIn may hold anything). */
    public static void reluBackwardInto(float[] y, float[] gradOut, float[] gradIn) {
        Parallel.forRange(y.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            FloatVector zero = FloatVector.zero(S);
            for (; i < vEnd; i += L) {
                FloatVector vy = FloatVector.fromArray(S, y, i);
                zero.blend(FloatVector.fromArray(S, gradOut, i), vy.compare(VectorOperators.GT, 0f)).intoArray(gradIn, i);
            }
            ElementwiseScalar.reluBackwardInto(y, gradOut, gradIn, i, to);
        });
    }

    /** out = min(max(a, lo), hi). */
    public static void clamp(float[] a, float lo, float hi, float[] out) {
        Parallel.forRange(out.length, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, i).max(lo).min(hi).intoArray(out, i);
            ElementwiseScalar.clamp(a, lo, hi, out, i, to);
        });
    }

    /** Sum of a[off, off+len), accumulated in vector lanes then reduced (fixed order). */
    public static float sum(float[] a, int off, int len) {
        if (!VECTOR) return ElementwiseScalar.sum(0f, a, off, 0, len);
        float[] lanes = new float[L];
        int i = 0, vEnd = bound(len);
        FloatVector acc = FloatVector.zero(S);
        for (; i < vEnd; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        acc.intoArray(lanes, 0);
        return ElementwiseScalar.sum(Lanes.sum(lanes, L), a, off, i, len);
    }

    /** Dot product of a[aOff..] and b[bOff..] over len elements. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        if (!VECTOR) return ElementwiseScalar.dot(0f, a, aOff, b, bOff, 0, len);
        float[] lanes = new float[L];
        int i = 0, vEnd = bound(len);
        FloatVector acc = FloatVector.zero(S);
        for (; i < vEnd; i += L)
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        acc.intoArray(lanes, 0);
        return ElementwiseScalar.dot(Lanes.sum(lanes, L), a, aOff, b, bOff, i, len);
    }

    /** a[off, off+len) *= s. */
    public static void scaleInPlace(float[] a, int off, int len, float s) {
        Parallel.forRange(len, PARALLEL_GRAIN, (from, to) -> {
            int i = from, vEnd = from + bound(to - from);
            for (; i < vEnd; i += L) FloatVector.fromArray(S, a, off + i).mul(s).intoArray(a, off + i);
            ElementwiseScalar.scaleInPlace(a, off, s, i, to);
        });
    }

    /** Elements of a range of len run by whole vectors; none where the JVM compiles no vector code. */
    private static int bound(int len) {
        return VECTOR ? S.loopBound(len) : 0;
    }
}
