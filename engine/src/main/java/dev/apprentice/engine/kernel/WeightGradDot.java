package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution over a group of images, dW(O×K) = Σₙ dyₙ(O×P)·colₙᵀ(P×K),
 * as 4 × 4 tiles of dot products (4 × 2 with 16 vector registers, where 16 accumulators, 4 A vectors
 * and a B vector would spill) whose one-vector partial sums stay in registers across the images
 * of a group. A chunk of images may be fed in several groups: between groups the lane sums wait
 * in a per-thread buffer, and only after the last group are they summed lane by lane (fixed
 * order). Small groups keep a tile's four dy rows in L1 while the tile sweeps the column rows.
 *
 * <p>Why not GEMM per image: per image P is short (840, 224, 63 for ResNet-20's stride-1 layers
 * on 28×28) and ragged, so a dot-product GEMM per image spends its time on tails and horizontal
 * sums (measured 0.6 GFLOP/s at 64×576×63), and the packed GEMM would first transpose col.
 *
 * <p>Layout (built by {@link WeightGradLayout}): image g's operands start at {@code g·stride} in
 * one buffer. Its dy rows are at {@code i·len} (zero beyond P, so len is a multiple of 16 and
 * needs no tail); B row j is the len values starting at {@code bOff + rowOff[j]}, which may run
 * into neighbouring finite data where dy is zero (the wide lowering reads col rows straight out
 * of the padded image this way).
 */
final class WeightGradDot {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    /** Columns (B rows) per tile: 4, or 2 with 16 vector registers. */
    private static final int TN = VectorWidth.REGISTERS >= 32 ? 4 : 2;

    private WeightGradDot() {}

    /**
     * Adds the group's products to the chunk's lane sums: the first group starts them from zero,
     * the last one writes dw[dwOff + i·k + j] = Σ over all the chunk's images and p of A(i, p)·B(j, p).
     * The group has {@code images} images of {@code stride} floats each in buf.
     */
    static void compute(int o, int k, int len, int images, float[] buf, int stride, int bOff, int[] rowOff,
                        boolean first, boolean last, float[] dw, int dwOff) {
        int tilesJ = (k + TN - 1) / TN;
        float[] pending = first && last ? null : pendingLanes(((o + 3) / 4) * tilesJ * TILE_LANES);
        float[] lanes = LANES.get();
        for (int i = 0; i < o; i += 4) {
            int a0 = i * len, a1 = Math.min(i + 1, o - 1) * len, a2 = Math.min(i + 2, o - 1) * len, a3 = Math.min(i + 3, o - 1) * len;
            for (int j = 0; j < k; j += TN) {
                // Rows past the end repeat the last one (valid loads, results dropped).
                int b0 = bOff + rowOff[j], b1 = bOff + rowOff[Math.min(j + 1, k - 1)];
                int b2 = bOff + rowOff[Math.min(j + 2, k - 1)], b3 = bOff + rowOff[Math.min(j + 3, k - 1)];
                int t0 = ((i / 4) * tilesJ + j / TN) * TILE_LANES;
                if (TN == 4) tile(len, images, buf, stride, a0, a1, a2, a3, b0, b1, b2, b3, first ? null : pending, t0, last ? lanes : pending, last ? 0 : t0);
                else tile4x2(len, images, buf, stride, a0, a1, a2, a3, b0, b1, first ? null : pending, t0, last ? lanes : pending, last ? 0 : t0);
                if (!last) continue;
                for (int r = 0; r < 4 && i + r < o; r++) {
                    for (int q = 0; q < TN && j + q < k; q++) {
                        int t = (r * TN + q) * L;
                        float s = 0f;
                        for (int l = 0; l < L; l++) s += lanes[t + l];
                        dw[dwOff + (i + r) * k + j + q] = s;
                    }
                }
            }
        }
    }

    /** Floats of one tile's lane sums: 4 × TN dot products of L lanes. */
    private static final int TILE_LANES = 4 * TN * L;
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[TILE_LANES]);
    private static final ThreadLocal<float[]> PENDING = ThreadLocal.withInitial(() -> new float[0]);

    /** The calling thread's buffer for lane sums between groups (contents garbage on entry). */
    private static float[] pendingLanes(int n) {
        float[] b = PENDING.get();
        if (b.length < n) PENDING.set(b = new float[n]);
        return b;
    }

    /**
     * out[outOff + (r·4 + q)·L + l] = lane l of (in's lane sums at inOff, or zero when in is
     * null) + Σ A-row r · B-row q over the group's images.
     */
    private static void tile(int len, int images, float[] buf, int stride, int a0, int a1, int a2, int a3,
                             int b0, int b1, int b2, int b3, float[] in, int inOff, float[] out, int outOff) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (in == null) {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c03 = z; c10 = z; c11 = z; c12 = z; c13 = z;
            c20 = z; c21 = z; c22 = z; c23 = z; c30 = z; c31 = z; c32 = z; c33 = z;
        } else {
            c00 = FloatVector.fromArray(S, in, inOff); c01 = FloatVector.fromArray(S, in, inOff + L);
            c02 = FloatVector.fromArray(S, in, inOff + 2 * L); c03 = FloatVector.fromArray(S, in, inOff + 3 * L);
            c10 = FloatVector.fromArray(S, in, inOff + 4 * L); c11 = FloatVector.fromArray(S, in, inOff + 5 * L);
            c12 = FloatVector.fromArray(S, in, inOff + 6 * L); c13 = FloatVector.fromArray(S, in, inOff + 7 * L);
            c20 = FloatVector.fromArray(S, in, inOff + 8 * L); c21 = FloatVector.fromArray(S, in, inOff + 9 * L);
            c22 = FloatVector.fromArray(S, in, inOff + 10 * L); c23 = FloatVector.fromArray(S, in, inOff + 11 * L);
            c30 = FloatVector.fromArray(S, in, inOff + 12 * L); c31 = FloatVector.fromArray(S, in, inOff + 13 * L);
            c32 = FloatVector.fromArray(S, in, inOff + 14 * L); c33 = FloatVector.fromArray(S, in, inOff + 15 * L);
        }
        for (int g = 0, base = 0; g < images; g++, base += stride) {
            for (int p = base; p < base + len; p += L) {
                FloatVector x0 = FloatVector.fromArray(S, buf, a0 + p), x1 = FloatVector.fromArray(S, buf, a1 + p);
                FloatVector x2 = FloatVector.fromArray(S, buf, a2 + p), x3 = FloatVector.fromArray(S, buf, a3 + p);
                FloatVector y = FloatVector.fromArray(S, buf, b0 + p);
                c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
                y = FloatVector.fromArray(S, buf, b1 + p);
                c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
                y = FloatVector.fromArray(S, buf, b2 + p);
                c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
                y = FloatVector.fromArray(S, buf, b3 + p);
                c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
            }
        }
        c00.intoArray(out, outOff); c01.intoArray(out, outOff + L); c02.intoArray(out, outOff + 2 * L); c03.intoArray(out, outOff + 3 * L);
        c10.intoArray(out, outOff + 4 * L); c11.intoArray(out, outOff + 5 * L); c12.intoArray(out, outOff + 6 * L); c13.intoArray(out, outOff + 7 * L);
        c20.intoArray(out, outOff + 8 * L); c21.intoArray(out, outOff + 9 * L); c22.intoArray(out, outOff + 10 * L); c23.intoArray(out, outOff + 11 * L);
        c30.intoArray(out, outOff + 12 * L); c31.intoArray(out, outOff + 13 * L); c32.intoArray(out, outOff + 14 * L); c33.intoArray(out, outOff + 15 * L);
    }

    /** {@link #tile} for two B rows: out[outOff + (r·2 + q)·L + l] (the 16-register machines' tile). */
    private static void tile4x2(int len, int images, float[] buf, int stride, int a0, int a1, int a2, int a3,
                                int b0, int b1, float[] in, int inOff, float[] out, int outOff) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (in == null) {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
        } else {
            c00 = FloatVector.fromArray(S, in, inOff); c01 = FloatVector.fromArray(S, in, inOff + L);
            c10 = FloatVector.fromArray(S, in, inOff + 2 * L); c11 = FloatVector.fromArray(S, in, inOff + 3 * L);
            c20 = FloatVector.fromArray(S, in, inOff + 4 * L); c21 = FloatVector.fromArray(S, in, inOff + 5 * L);
            c30 = FloatVector.fromArray(S, in, inOff + 6 * L); c31 = FloatVector.fromArray(S, in, inOff + 7 * L);
        }
        for (int g = 0, base = 0; g < images; g++, base += stride) {
            for (int p = base; p < base + len; p += L) {
                FloatVector x0 = FloatVector.fromArray(S, buf, a0 + p), x1 = FloatVector.fromArray(S, buf, a1 + p);
                FloatVector x2 = FloatVector.fromArray(S, buf, a2 + p), x3 = FloatVector.fromArray(S, buf, a3 + p);
                FloatVector y = FloatVector.fromArray(S, buf, b0 + p);
                c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
                y = FloatVector.fromArray(S, buf, b1 + p);
                c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            }
        }
        c00.intoArray(out, outOff); c01.intoArray(out, outOff + L);
        c10.intoArray(out, outOff + 2 * L); c11.intoArray(out, outOff + 3 * L);
        c20.intoArray(out, outOff + 4 * L); c21.intoArray(out, outOff + 5 * L);
        c30.intoArray(out, outOff + 6 * L); c31.intoArray(out, outOff + 7 * L);
    }
}
