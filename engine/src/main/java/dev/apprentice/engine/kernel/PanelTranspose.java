package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs 8 rows × 16 columns of a row-major matrix into the micro-kernel's A-panel order (column p's 8
 * rows contiguous) in registers: 8 row loads, three rounds of two-vector lane selections, 8 stores.
 *
 * <p>A float's place is 7 bits: p0..p3 (its column) and r0..r2 (its row). Loaded, the lane bits are
 * (p0, p1, p2, p3) and the vector index bits (r0, r1, r2); stored, the lanes must be (r0, r1, r2, p0) and
 * the vector (p1, p2, p3), so that vector v is columns 2v and 2v + 1. Each round swaps one vector bit
 * with one lane bit and reorders the lanes (one selection per output vector, from the pair of vectors
 * that differ in that bit). This replaced one 16-lane gather per two columns (gathers are slow on the
 * AMD host: packing A was 20% of a 64 × 49 × 32 product).
 */
final class PanelTranspose {
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    /** Whether the machine's shape is the one this transpose is written for: 16 lanes, 8-row panels. */
    static final boolean APPLIES = VectorWidth.VECTOR && S.length() == 16 && SgemmMicroKernel.MR == 8;
    /** Columns of A per call. */
    static final int COLUMNS = 16;
    /** Where each logical bit sits before and after each round: lanes[bit of lane] and vecs[bit of vector]. */
    private static final int P0 = 0, P1 = 1, P2 = 2, P3 = 3, R0 = 4, R1 = 5, R2 = 6;
    private static final int[][] LANES = {{P0, P1, P2, P3}, {R0, P0, P2, P3}, {R0, R1, P0, P3}, {R0, R1, R2, P0}};
    private static final int[][] VECS = {{R0, R1, R2}, {P1, R1, R2}, {P1, P2, R2}, {P1, P2, P3}};
    private static final FloatVector LO0 = select(0, false), HI0 = select(0, true), LO1 = select(1, false), HI1 = select(1, true);
    private static final FloatVector LO2 = select(2, false), HI2 = select(2, true);

    private PanelTranspose() {}

    /**
     * Indices for round r's output vector with vector bit r clear (upper false) or set: lane l of it
     * takes the float with the same logical bits from the pair (x, y) as laid out before the round,
     * index l' of x or 16 + l' of y.
     */
    private static FloatVector select(int round, boolean upper) {
        float[] idx = new float[16];
        for (int l = 0; l < 16; l++) {
            int[] bits = new int[7];
            for (int b = 0; b < 4; b++) bits[LANES[round + 1][b]] = (l >> b) & 1;
            bits[VECS[round + 1][round]] = upper ? 1 : 0;
            // the other vector bits are the same logical bits before and after (only bit `round` changes)
            for (int b = 0; b < 3; b++) if (b != round) bits[VECS[round + 1][b]] = 0;
            int lane = 0;
            for (int b = 0; b < 4; b++) lane |= bits[LANES[round][b]] << b;
            idx[l] = lane + 16 * bits[VECS[round][round]];
        }
        return APPLIES ? FloatVector.fromArray(S, idx, 0) : null;
    }

    /** dst[d + p·8 + r] = alpha · src[s + r·stride + p] for r < 8, p < 16. */
    static void rowsToPanel(float[] src, int s, int stride, float alpha, float[] dst, int d) {
        FloatVector v0 = FloatVector.fromArray(S, src, s), v1 = FloatVector.fromArray(S, src, s + stride);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * stride), v3 = FloatVector.fromArray(S, src, s + 3 * stride);
        FloatVector v4 = FloatVector.fromArray(S, src, s + 4 * stride), v5 = FloatVector.fromArray(S, src, s + 5 * stride);
        FloatVector v6 = FloatVector.fromArray(S, src, s + 6 * stride), v7 = FloatVector.fromArray(S, src, s + 7 * stride);
        if (alpha != 1f) {
            v0 = v0.mul(alpha); v1 = v1.mul(alpha); v2 = v2.mul(alpha); v3 = v3.mul(alpha);
            v4 = v4.mul(alpha); v5 = v5.mul(alpha); v6 = v6.mul(alpha); v7 = v7.mul(alpha);
        }
        FloatVector x, y;
        // round 0: pairs differing in vector bit 0
        x = v0; y = v1; v0 = LO0.selectFrom(x, y); v1 = HI0.selectFrom(x, y);
        x = v2; y = v3; v2 = LO0.selectFrom(x, y); v3 = HI0.selectFrom(x, y);
        x = v4; y = v5; v4 = LO0.selectFrom(x, y); v5 = HI0.selectFrom(x, y);
        x = v6; y = v7; v6 = LO0.selectFrom(x, y); v7 = HI0.selectFrom(x, y);
        // round 1: bit 1
        x = v0; y = v2; v0 = LO1.selectFrom(x, y); v2 = HI1.selectFrom(x, y);
        x = v1; y = v3; v1 = LO1.selectFrom(x, y); v3 = HI1.selectFrom(x, y);
        x = v4; y = v6; v4 = LO1.selectFrom(x, y); v6 = HI1.selectFrom(x, y);
        x = v5; y = v7; v5 = LO1.selectFrom(x, y); v7 = HI1.selectFrom(x, y);
        // round 2: bit 2
        x = v0; y = v4; v0 = LO2.selectFrom(x, y); v4 = HI2.selectFrom(x, y);
        x = v1; y = v5; v1 = LO2.selectFrom(x, y); v5 = HI2.selectFrom(x, y);
        x = v2; y = v6; v2 = LO2.selectFrom(x, y); v6 = HI2.selectFrom(x, y);
        x = v3; y = v7; v3 = LO2.selectFrom(x, y); v7 = HI2.selectFrom(x, y);
        v0.intoArray(dst, d); v1.intoArray(dst, d + 16); v2.intoArray(dst, d + 32); v3.intoArray(dst, d + 48);
        v4.intoArray(dst, d + 64); v5.intoArray(dst, d + 80); v6.intoArray(dst, d + 96); v7.intoArray(dst, d + 112);
    }
}
