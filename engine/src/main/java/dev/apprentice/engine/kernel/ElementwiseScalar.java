package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link Elementwise}: the same per-element formulas over [from, to), in Java
 * scalars. It runs the whole range where the JVM compiles no vector code, and the tail past the
 * last whole vector otherwise, so each element has one formula whichever path computes it (and
 * the vector kernels are tested against it, bit for bit).
 */
public final class ElementwiseScalar {
    private ElementwiseScalar() {}

    public static void addInPlace(float[] dst, float[] src, int from, int to) {
        for (int i = from; i < to; i++) dst[i] += src[i];
    }

    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        for (int i = from; i < to; i++) y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
    }

    public static void add(float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] + b[i];
    }

    public static void sub(float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] - b[i];
    }

    public static void mul(float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] * b[i];
    }

    public static void div(float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] / b[i];
    }

    public static void affine(float[] a, float s, float t, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.fma(a[i], s, t);
    }

    public static void relu(float[] a, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.max(a[i], 0f);
    }

    public static void reluBackward(float[] y, float[] gradOut, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) if (y[i] > 0) gradIn[i] += gradOut[i];
    }

    public static void reluBackwardInto(float[] y, float[] gradOut, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) gradIn[i] = y[i] > 0 ? gradOut[i] : 0f;
    }

    public static void clamp(float[] a, float lo, float hi, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.min(Math.max(a[i], lo), hi);
    }

    public static void scaleInPlace(float[] a, int off, float s, int from, int to) {
        for (int i = from; i < to; i++) a[off + i] *= s;
    }

    /** Σ a[off + i] for i in [from, to), added in order onto s. */
    public static float sum(float s, float[] a, int off, int from, int to) {
        for (int i = from; i < to; i++) s += a[off + i];
        return s;
    }

    /** Σ a[aOff + i]·b[bOff + i] for i in [from, to), added in order onto s. */
    public static float dot(float s, float[] a, int aOff, float[] b, int bOff, int from, int to) {
        for (int i = from; i < to; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }
}
