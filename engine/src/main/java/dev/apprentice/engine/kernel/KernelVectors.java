package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small Vector API loops over array ranges with independent offsets, for the conv, pooling and
 * batch-norm kernels, with {@link KernelScalars} as their twin (tails, and everything where the JVM
 * compiles no vector code). The kernels' one float species ({@link VectorWidth#FLOATS}): a narrower
 * one for these short ranges (planes of 49 to 784 floats, image rows of 7 to 28) would leave shorter
 * scalar tails, but a second float shape in the process makes C2 box vectors (see VectorWidth).
 * Reductions run in a fixed lane and block order, so they are deterministic, and add blocks
 * in double, so long planes stay accurate.
 */
final class KernelVectors {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    private static final boolean VECTOR = VectorWidth.VECTOR;
    /** Sums run in float lanes over blocks this long (≤ 128 terms per lane), then in double. */
    private static final int BLOCK = 1024;

    private KernelVectors() {}

    /** a[off, off+len) += v. */
    static void addScalar(float[] a, int off, int len, float v) {
        int i = 0, vEnd = bound(len);
        FloatVector bv = FloatVector.broadcast(S, v);
        for (; i < vEnd; i += L) FloatVector.fromArray(S, a, off + i).add(bv).intoArray(a, off + i);
        KernelScalars.addScalar(a, off, v, i, len);
    }

    /*
     * Tails are scalar: a masked tail (indexInRange + masked load/store) fell back to the Java
     * implementation of the mask ops in C2-compiled callers (firstTrue, tOpTemplate in profiles:
     * 6-9% of a ResNet-20 forward pass in copy alone).
     */

    /** dst[dOff + i] = src[sOff + i] for i in [0, len): for short rows, where System.arraycopy costs more than the copy. */
    static void copy(float[] src, int sOff, float[] dst, int dOff, int len) {
        int i = 0, vEnd = bound(len);
        for (; i < vEnd; i += L) FloatVector.fromArray(S, src, sOff + i).intoArray(dst, dOff + i);
        KernelScalars.copy(src, sOff, dst, dOff, i, len);
    }

    /**
     * dst[dOff + i] = src[sOff + i] + bias + res[rOff + i], then max(·, 0) when relu, for i in
     * [0, len): a convolution's output row copied out with its epilogue in one pass (bias ignored
     * when hasBias is false, res when null; the additions in this order, as separate passes would
     * do them).
     */
    static void copyEpilogue(float[] src, int sOff, float[] dst, int dOff, int len, boolean hasBias, float bias,
                             float[] res, int rOff, boolean relu) {
        int i = 0, vEnd = bound(len);
        FloatVector bv = FloatVector.broadcast(S, bias);
        for (; i < vEnd; i += L) {
            FloatVector v = FloatVector.fromArray(S, src, sOff + i);
            if (hasBias) v = v.add(bv);
            if (res != null) v = v.add(FloatVector.fromArray(S, res, rOff + i));
            if (relu) v = v.max(0f);
            v.intoArray(dst, dOff + i);
        }
        KernelScalars.copyEpilogue(src, sOff, dst, dOff, hasBias, bias, res, rOff, relu, i, len);
    }

    /** dst[dOff + i] += src[sOff + i] for i in [0, len). */
    static void addTo(float[] dst, int dOff, float[] src, int sOff, int len) {
        int i = 0, vEnd = bound(len);
        for (; i < vEnd; i += L)
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        KernelScalars.addTo(dst, dOff, src, sOff, i, len);
    }

    /** Σ a[off, off+len): float lanes within blocks of {@link #BLOCK}, blocks added in double. */
    static double sum(float[] a, int off, int len) {
        float[] lanes = new float[L];
        double total = 0;
        for (int b = 0; b < len; b += BLOCK) {
            int n = Math.min(BLOCK, len - b), base = off + b, i = 0, vEnd = bound(n);
            FloatVector acc = FloatVector.zero(S);
            for (; i < vEnd; i += L) acc = acc.add(FloatVector.fromArray(S, a, base + i));
            acc.intoArray(lanes, 0);
            total += KernelScalars.sum(Lanes.sum(lanes, L), a, base, i, n);
        }
        return total;
    }

    /** acc[0] += Σ (a[i] − m), acc[1] += Σ (a[i] − m)² over a[off, off+len) (blocked like {@link #sum}). */
    static void addDeviationSums(float[] a, int off, int len, float m, double[] acc) {
        float[] lanes = new float[L], t = new float[2];
        FloatVector mv = FloatVector.broadcast(S, m);
        for (int b = 0; b < len; b += BLOCK) {
            int n = Math.min(BLOCK, len - b), base = off + b, i = 0, vEnd = bound(n);
            FloatVector s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
            for (; i < vEnd; i += L) {
                FloatVector d = FloatVector.fromArray(S, a, base + i).sub(mv);
                s1 = s1.add(d);
                s2 = d.fma(d, s2);
            }
            s1.intoArray(lanes, 0);
            t[0] = Lanes.sum(lanes, L);
            s2.intoArray(lanes, 0);
            t[1] = Lanes.sum(lanes, L);
            KernelScalars.deviationSums(a, base, m, t, i, n);
            acc[0] += t[0];
            acc[1] += t[1];
        }
    }

    /** Σ b[i]·(a[i] − m) over the same range of a and b (blocked like {@link #sum}). */
    static double dotCentered(float[] a, float[] b, int off, int len, float m) {
        return dotCenteredPassed(a, b, null, off, len, m);
    }

    /** y[off + i] = x[off + i]·scale + shift. */
    static void affine(float[] x, float[] y, int off, int len, float scale, float shift) {
        int i = 0, vEnd = bound(len);
        FloatVector sv = FloatVector.broadcast(S, scale), tv = FloatVector.broadcast(S, shift);
        for (; i < vEnd; i += L) FloatVector.fromArray(S, x, off + i).fma(sv, tv).intoArray(y, off + i);
        KernelScalars.affine(x, y, off, scale, shift, i, len);
    }

    /**
     * y[off + i] = max(x[off + i]·scale + shift + res[off + i], 0) (res may be null): batch norm, a
     * residual add and the relu after them in one pass.
     */
    static void affineRelu(float[] x, float[] res, float[] y, int off, int len, float scale, float shift) {
        int i = 0, vEnd = bound(len);
        FloatVector sv = FloatVector.broadcast(S, scale), tv = FloatVector.broadcast(S, shift);
        for (; i < vEnd; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i).fma(sv, tv);
            if (res != null) v = v.add(FloatVector.fromArray(S, res, off + i));
            v.max(0f).intoArray(y, off + i);
        }
        KernelScalars.affineRelu(x, res, y, off, scale, shift, i, len);
    }

    /** dy[off + i] where r[off + i] > 0, else 0: the gradient through a relu whose output is r. */
    private static FloatVector passed(float[] dy, float[] r, int at) {
        FloatVector g = FloatVector.fromArray(S, dy, at);
        return FloatVector.zero(S).blend(g, FloatVector.fromArray(S, r, at).compare(VectorOperators.GT, 0f));
    }

    /**
     * {@link #sum} of dy passed through a relu whose output is r (dy where r > 0). Kept apart from
     * sum, like {@link #batchNormGradPassed} from batchNormGrad: one loop for both, with r
     * null for none, measured 15–25% slower in both uses (batch-norm backward, 1 thread).
     */
    static double sumPassed(float[] dy, float[] r, int off, int len) {
        float[] lanes = new float[L];
        double total = 0;
        for (int b = 0; b < len; b += BLOCK) {
            int n = Math.min(BLOCK, len - b), base = off + b, i = 0, vEnd = bound(n);
            FloatVector acc = FloatVector.zero(S);
            for (; i < vEnd; i += L) acc = acc.add(passed(dy, r, base + i));
            acc.intoArray(lanes, 0);
            total += KernelScalars.sumPassed(Lanes.sum(lanes, L), dy, r, base, i, n);
        }
        return total;
    }

    /** {@link #dotCentered} with b passed through a relu whose output is r (r null: no relu). */
    static double dotCenteredPassed(float[] a, float[] b, float[] r, int off, int len, float m) {
        float[] lanes = new float[L];
        FloatVector mv = FloatVector.broadcast(S, m);
        double total = 0;
        for (int blk = 0; blk < len; blk += BLOCK) {
            int n = Math.min(BLOCK, len - blk), base = off + blk, i = 0, vEnd = bound(n);
            FloatVector acc = FloatVector.zero(S);
            for (; i < vEnd; i += L)
                acc = FloatVector.fromArray(S, a, base + i).sub(mv).fma(r == null ? FloatVector.fromArray(S, b, base + i) : passed(b, r, base + i), acc);
            acc.intoArray(lanes, 0);
            total += KernelScalars.dotCenteredPassed(Lanes.sum(lanes, L), a, b, r, base, m, i, n);
        }
        return total;
    }

    /**
     * {@link #batchNormGrad} with dy passed through a relu whose output is r (dy where r > 0, else 0).
     */
    static void batchNormGradPassed(float[] dx, boolean accumulate, float[] dy, float[] r, float[] x, int off, int len, float a, float b, float m, float k) {
        int i = 0, vEnd = bound(len);
        FloatVector av = FloatVector.broadcast(S, a), bv = FloatVector.broadcast(S, b);
        FloatVector mv = FloatVector.broadcast(S, m), kv = FloatVector.broadcast(S, k);
        if (accumulate) {
            for (; i < vEnd; i += L) {
                FloatVector t = FloatVector.fromArray(S, x, off + i).sub(mv).fma(bv, kv);
                t = passed(dy, r, off + i).fma(av, t);
                t.add(FloatVector.fromArray(S, dx, off + i)).intoArray(dx, off + i);
            }
        } else {
            for (; i < vEnd; i += L) {
                FloatVector t = FloatVector.fromArray(S, x, off + i).sub(mv).fma(bv, kv);
                passed(dy, r, off + i).fma(av, t).intoArray(dx, off + i);
            }
        }
        KernelScalars.batchNormGrad(dx, accumulate, dy, r, x, off, a, b, m, k, i, len);
    }

    /**
     * dx[off + i] (+)= a·dy[off + i] + b·(x[off + i] − m) + k (the batch-norm input gradient): added
     * when accumulate, else written without reading dx (a fresh gradient needs no zeroing pass).
     * Two loops rather than a select inside one, so each stays the plain loop C2 vectorizes.
     */
    static void batchNormGrad(float[] dx, boolean accumulate, float[] dy, float[] x, int off, int len, float a, float b, float m, float k) {
        int i = 0, vEnd = bound(len);
        FloatVector av = FloatVector.broadcast(S, a), bv = FloatVector.broadcast(S, b);
        FloatVector mv = FloatVector.broadcast(S, m), kv = FloatVector.broadcast(S, k);
        if (accumulate) {
            for (; i < vEnd; i += L) {
                FloatVector t = FloatVector.fromArray(S, x, off + i).sub(mv).fma(bv, kv);
                t = FloatVector.fromArray(S, dy, off + i).fma(av, t);
                t.add(FloatVector.fromArray(S, dx, off + i)).intoArray(dx, off + i);
            }
        } else {
            for (; i < vEnd; i += L) {
                FloatVector t = FloatVector.fromArray(S, x, off + i).sub(mv).fma(bv, kv);
                FloatVector.fromArray(S, dy, off + i).fma(av, t).intoArray(dx, off + i);
            }
        }
        KernelScalars.batchNormGrad(dx, accumulate, dy, null, x, off, a, b, m, k, i, len);
    }

    /** Elements of a range of len run by whole vectors; none where the JVM compiles no vector code. */
    private static int bound(int len) {
        return VECTOR ? S.loopBound(len) : 0;
    }
}
