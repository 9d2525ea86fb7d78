package dev.apprentice.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution over a group of images, dW(O×K) = Σₙ dyₙ(O×P)·colₙᵀ(P×K),
 * as 4 × 4 tiles of dot products whose 16-lane partial sums stay in registers across all the
 * images of the group and are summed lane by lane (fixed order) only once at the end.
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
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = 16;

    private WeightGradDot() {}

    /**
     * dw[dwOff + i·k + j] (+)= Σ over the images and p of A(i, p)·B(j, p), overwriting unless
     * accumulate; the group has {@code images} images of {@code stride} floats each in buf.
     */
    static void compute(int o, int k, int len, int images, float[] buf, int stride, int bOff, int[] rowOff,
                        boolean accumulate, float[] dw, int dwOff) {
        float[] lanes = new float[16 * L];
        for (int i = 0; i < o; i += 4) {
            int a0 = i * len, a1 = Math.min(i + 1, o - 1) * len, a2 = Math.min(i + 2, o - 1) * len, a3 = Math.min(i + 3, o - 1) * len;
            for (int j = 0; j < k; j += 4) {
                // Rows past the end repeat the last one (valid loads, results dropped).
                int b0 = bOff + rowOff[j], b1 = bOff + rowOff[Math.min(j + 1, k - 1)];
                int b2 = bOff + rowOff[Math.min(j + 2, k - 1)], b3 = bOff + rowOff[Math.min(j + 3, k - 1)];
                tile(len, images, buf, stride, a0, a1, a2, a3, b0, b1, b2, b3, lanes);
                for (int r = 0; r < 4 && i + r < o; r++) {
                    for (int q = 0; q < 4 && j + q < k; q++) {
                        int t = (r * 4 + q) * L;
                        float s = 0f;
                        for (int l = 0; l < L; l++) s += lanes[t + l];
                        int d = dwOff + (i + r) * k + j + q;
                        dw[d] = accumulate ? dw[d] + s : s;
                    }
                }
            }
        }
    }

    /** lanes[(r·4 + q)·16 + l] = lane l of Σ A-row r · B-row q over all images. */
    private static void tile(int len, int images, float[] buf, int stride, int a0, int a1, int a2, int a3,
                             int b0, int b1, int b2, int b3, float[] lanes) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
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
        c00.intoArray(lanes, 0); c01.intoArray(lanes, L); c02.intoArray(lanes, 2 * L); c03.intoArray(lanes, 3 * L);
        c10.intoArray(lanes, 4 * L); c11.intoArray(lanes, 5 * L); c12.intoArray(lanes, 6 * L); c13.intoArray(lanes, 7 * L);
        c20.intoArray(lanes, 8 * L); c21.intoArray(lanes, 9 * L); c22.intoArray(lanes, 10 * L); c23.intoArray(lanes, 11 * L);
        c30.intoArray(lanes, 12 * L); c31.intoArray(lanes, 13 * L); c32.intoArray(lanes, 14 * L); c33.intoArray(lanes, 15 * L);
    }
}
