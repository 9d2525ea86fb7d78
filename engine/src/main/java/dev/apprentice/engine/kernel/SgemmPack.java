package dev.apprentice.engine.kernel;

import static dev.apprentice.engine.kernel.SgemmMicroKernel.L;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.MR;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.NR;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Packs blocks of op(A) and op(B) into the contiguous, zero-padded panels the micro-kernel
 * streams through, so its inner loop reads unit-stride memory and never needs an edge mask.
 */
final class SgemmPack {
    private SgemmPack() {}

    /**
     * alpha·op(A)[i0 .. i0+mc) x [p0 .. p0+kc) into dst from dOff as ceil(mc/MR) panels of
     * [kc][MR], rows past mc zero. A(i,p) = a[aOff + i*lda + p], or a[aOff + p*lda + i] when transA.
     */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst, int dOff) {
        for (int ip = 0, d = dOff; ip < mc; ip += MR, d += MR * kc) {
            int mr = Math.min(MR, mc - ip);
            int i = i0 + ip;
            if (transA) {
                // Row p of the stored A holds MR consecutive i: a copy of MR floats per k (a plain loop: a
                // vector of MR floats would be a second float species, see VectorWidth).
                int src = aOff + p0 * lda + i;
                for (int p = 0; p < kc; p++, src += lda) {
                    for (int r = 0; r < mr; r++) dst[d + p * MR + r] = a[src + r] * alpha;
                    for (int r = mr; r < MR; r++) dst[d + p * MR + r] = 0f;
                }
            } else if (mr == MR) {
                // Transpose MR rows, PanelTranspose.COLUMNS k at a time, in registers where it applies.
                int src = aOff + i * lda + p0, p = 0;
                if (PanelTranspose.APPLIES)
                    for (; p + PanelTranspose.COLUMNS <= kc; p += PanelTranspose.COLUMNS) PanelTranspose.rowsToPanel(a, src + p, lda, alpha, dst, d + p * MR);
                for (; p < kc; p++)
                    for (int r = 0; r < MR; r++) dst[d + p * MR + r] = a[src + r * lda + p] * alpha;
            } else {
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (i + r) * lda + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * MR + r] = a[src + p] * alpha;
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) dst[d + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * op(B)[p0 .. p0+kc) x [j0 .. j0+nc) into dst from dOff as ceil(nc/NR) panels of [kc][NR], columns
     * past nc zero. B(p,j) = b[bOff + p*ldb + j], or b[bOff + j*ldb + p] when transB.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst, int dOff) {
        for (int jp = 0, d = dOff; jp < nc; jp += NR, d += NR * kc) {
            int nr = Math.min(NR, nc - jp);
            int j = j0 + jp;
            if (!transB) {
                int src = bOff + p0 * ldb + j;
                for (int p = 0; p < kc; p++, src += ldb) copyRow(b, src, nr, dst, d + p * NR);
            } else {
                for (int c = 0; c < nr; c++) {
                    int src = bOff + (j + c) * ldb + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * NR + c] = b[src + p];
                }
                for (int c = nr; c < NR; c++) {
                    for (int p = 0; p < kc; p++) dst[d + p * NR + c] = 0f;
                }
            }
        }
    }

    /**
     * One row of a B panel: b[src .. src + nr) to dst[o ..], zeros up to NR. A ragged row (nr < NR) is
     * loaded whole (reading on into the next row's floats where the array goes on) with the lanes past
     * nr blended to zero: a System.arraycopy and an Arrays.fill per row cost ~10% of a 32x196x16
     * product, and masked loads measured far slower.
     */
    private static void copyRow(float[] b, int src, int nr, float[] dst, int o) {
        if (nr == NR) {
            FloatVector.fromArray(S, b, src).intoArray(dst, o);
            FloatVector.fromArray(S, b, src + L).intoArray(dst, o + L);
        } else if (src + NR <= b.length) {
            FloatVector zero = FloatVector.zero(S);
            zero.blend(FloatVector.fromArray(S, b, src), S.indexInRange(0, nr)).intoArray(dst, o);
            zero.blend(FloatVector.fromArray(S, b, src + L), S.indexInRange(L, nr)).intoArray(dst, o + L);
        } else {
            System.arraycopy(b, src, dst, o, nr);
            java.util.Arrays.fill(dst, o + nr, o + NR, 0f);
        }
    }
}
