package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link KernelVectors}: the same loops over [from, to) in Java scalars. It runs
 * whole ranges where the JVM compiles no vector code and the tails past the last whole vector
 * otherwise; the vector loops are tested against it (bit for bit where they do the same operations
 * per element, to rounding where they sum in lanes).
 */
final class KernelScalars {
    private KernelScalars() {}

    static void addScalar(float[] a, int off, float v, int from, int to) {
        for (int i = from; i < to; i++) a[off + i] += v;
    }

    static void copy(float[] src, int sOff, float[] dst, int dOff, int from, int to) {
        for (int i = from; i < to; i++) dst[dOff + i] = src[sOff + i];
    }

    static void copyEpilogue(float[] src, int sOff, float[] dst, int dOff, boolean hasBias, float bias,
                             float[] res, int rOff, boolean relu, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = src[sOff + i];
            if (hasBias) v += bias;
            if (res != null) v += res[rOff + i];
            dst[dOff + i] = relu ? Math.max(v, 0f) : v;
        }
    }

    static void addTo(float[] dst, int dOff, float[] src, int sOff, int from, int to) {
        for (int i = from; i < to; i++) dst[dOff + i] += src[sOff + i];
    }

    /** s + Σ a[base + i] for i in [from, to), in order. */
    static float sum(float s, float[] a, int base, int from, int to) {
        for (int i = from; i < to; i++) s += a[base + i];
        return s;
    }

    /** t[0] += Σ (a − m), t[1] += Σ (a − m)² over a[base + from, base + to), in order. */
    static void deviationSums(float[] a, int base, float m, float[] t, int from, int to) {
        float t1 = t[0], t2 = t[1];
        for (int i = from; i < to; i++) {
            float d = a[base + i] - m;
            t1 += d;
            t2 = Math.fma(d, d, t2);
        }
        t[0] = t1;
        t[1] = t2;
    }

    /** s + Σ dy where r > 0 (r the relu's output; dy passed through it), in order. */
    static float sumPassed(float s, float[] dy, float[] r, int base, int from, int to) {
        for (int i = from; i < to; i++) s += r[base + i] > 0 ? dy[base + i] : 0f;
        return s;
    }

    /** s + Σ (a − m)·b (b passed through a relu whose output is r, r null for none), as fma, in order. */
    static float dotCenteredPassed(float s, float[] a, float[] b, float[] r, int base, float m, int from, int to) {
        for (int i = from; i < to; i++) s = Math.fma(a[base + i] - m, r == null || r[base + i] > 0 ? b[base + i] : 0f, s);
        return s;
    }

    static void affine(float[] x, float[] y, int off, float scale, float shift, int from, int to) {
        for (int i = from; i < to; i++) y[off + i] = Math.fma(x[off + i], scale, shift);
    }

    static void affineRelu(float[] x, float[] res, float[] y, int off, float scale, float shift, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = Math.fma(x[off + i], scale, shift);
            if (res != null) v += res[off + i];
            y[off + i] = Math.max(v, 0f);
        }
    }

    /** The batch-norm input gradient (dy passed through a relu whose output is r, r null for none), added when accumulate. */
    static void batchNormGrad(float[] dx, boolean accumulate, float[] dy, float[] r, float[] x, int off, float a, float b, float m, float k,
                              int from, int to) {
        for (int i = from; i < to; i++) {
            float g = r == null || r[off + i] > 0 ? dy[off + i] : 0f;
            float v = Math.fma(g, a, Math.fma(x[off + i] - m, b, k));
            dx[off + i] = accumulate ? dx[off + i] + v : v;
        }
    }
}
