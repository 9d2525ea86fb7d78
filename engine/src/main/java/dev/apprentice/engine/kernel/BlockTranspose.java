package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes square blocks of {@link #B} × {@link #B} floats (B = the vector's lanes: 16, 8 or 4) in
 * registers: log2(B) rounds of two-vector lane selections (round b swaps bit b of the row index with
 * bit b of the column index: the off-diagonal 2^b × 2^b sub-blocks of every 2^(b+1) block). Measured
 * on the weight gradient's dy at 16 lanes (16 channel planes of 28×28 into pixel rows, one core):
 * 0.17–0.19 ns a float against 0.39–0.45 for one 16-lane gather a pixel and 0.41–0.45 for a scalar
 * loop. Where the JVM compiles no vector code, the whole images go through the scalar loops that
 * otherwise only take the partial blocks.
 *
 * <p>Why the 16-lane block is split (rounds 0–1 of four groups of four rows into a 256-float buffer,
 * then rounds 2–3 of four groups back out): as one method (16 loads, 64 selections, 16 stores) it is
 * more than C1 can compile ("out of virtual registers in linear scan"), and in about one JVM start in
 * five the method then stayed in C1's tier-2 code, vectors as objects, and a training step ran at 40%
 * speed. The 8- and 4-lane blocks are small enough to run whole.
 */
final class BlockTranspose {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final boolean VECTOR = VectorWidth.VECTOR;
    /** Rows and columns of a block: the lanes of a vector. */
    static final int B = S.length();
    /** Floats of the buffer {@link #block} needs. */
    static final int BUFFER = B * B;
    /** Round r's lane selections into the lower and the upper row of each pair (indices ≥ B pick the second row). */
    private static final FloatVector LO0 = select(0, false), HI0 = select(0, true), LO1 = select(1, false), HI1 = select(1, true);
    private static final FloatVector LO2 = select(2, false), HI2 = select(2, true), LO3 = select(3, false), HI3 = select(3, true);

    private BlockTranspose() {}

    /** Round round's selection for the lower or upper row of a pair; null for rounds the block does not have. */
    private static FloatVector select(int round, boolean upper) {
        int b = 1 << round;
        if (b >= B) return null;
        float[] idx = new float[B];
        for (int l = 0; l < B; l++) {
            int base = l & ~b; // lane l of the pair (a, c): the lower row keeps a's lanes where bit b is clear
            idx[l] = (l & b) == 0 ? (upper ? base + b : base) : (upper ? base + b + B : base + B);
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /**
     * Channel planes to pixel rows: dst[d0 + at[p] + c] = src[s0 + c·hw + p] for c < channels and p < hw.
     * Whole blocks of B channels × B pixels go through {@link #block}, the rest one float at a time.
     * buf[bOff ..]: {@link #BUFFER} floats of scratch.
     */
    static void planesToRows(float[] src, int s0, int hw, int channels, float[] dst, int d0, int[] at, float[] buf, int bOff) {
        int blocked = VECTOR ? hw - hw % B : 0, blockedC = VECTOR ? channels - channels % B : 0;
        for (int c0 = 0; c0 < blockedC; c0 += B)
            for (int p = 0; p < blocked; p += B) block(src, s0 + c0 * hw + p, hw, dst, d0 + c0, at, p, false, buf, bOff);
        for (int p = 0; p < hw; p++)
            for (int c = p < blocked ? blockedC : 0; c < channels; c++) dst[d0 + at[p] + c] = src[s0 + c * hw + p];
    }

    /**
     * Pixel rows back to channel planes: dst[d0 + c·hw + p] = src[s0 + p·rowStride + c] (+= when add) for
     * c < channels and p < hw; planes[j] = j·hw for j < B. As {@link #planesToRows}.
     */
    static void rowsToPlanes(float[] src, int s0, int rowStride, int hw, int channels, float[] dst, int d0, int[] planes,
                             boolean add, float[] buf, int bOff) {
        int blocked = VECTOR ? hw - hw % B : 0, blockedC = VECTOR ? channels - channels % B : 0;
        for (int c0 = 0; c0 < blockedC; c0 += B)
            for (int p = 0; p < blocked; p += B) block(src, s0 + p * rowStride + c0, rowStride, dst, d0 + c0 * hw + p, planes, 0, add, buf, bOff);
        for (int p = 0; p < hw; p++)
            for (int c = p < blocked ? blockedC : 0; c < channels; c++) {
                float v = src[s0 + p * rowStride + c];
                dst[d0 + c * hw + p] = add ? dst[d0 + c * hw + p] + v : v;
            }
    }

    /** Offsets of B consecutive planes of hw floats, for {@link #rowsToPlanes}. */
    static int[] planeOffsets(int hw) {
        int[] at = new int[B];
        for (int j = 0; j < B; j++) at[j] = j * hw;
        return at;
    }

    /**
     * dst[d0 + cols[c0 + j] + i] = src[s0 + i·stride + j] for i, j < B (+= when add): rows i of the
     * block become the lanes of column j's vector, stored where cols says. buf[bOff ..]: {@link #BUFFER}
     * floats of scratch (used by the 16-lane block).
     */
    static void block(float[] src, int s0, int stride, float[] dst, int d0, int[] cols, int c0, boolean add, float[] buf, int bOff) {
        if (B == 16) {
            for (int g = 0; g < 16; g += 4) lowRounds(src, s0 + g * stride, stride, buf, bOff + g * 16);
            for (int j = 0; j < 4; j++) highRounds(buf, bOff + j * 16, dst, d0, cols, c0 + j, add);
        } else if (B == 8) {
            block8(src, s0, stride, dst, d0, cols, c0, add);
        } else {
            block4(src, s0, stride, dst, d0, cols, c0, add);
        }
    }

    /** Rows s, s + stride, s + 2·stride, s + 3·stride of src through rounds 0 and 1, into buf[b ..] as 4 rows of 16. */
    private static void lowRounds(float[] src, int s, int stride, float[] buf, int b) {
        FloatVector v0 = FloatVector.fromArray(S, src, s), v1 = FloatVector.fromArray(S, src, s + stride);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * stride), v3 = FloatVector.fromArray(S, src, s + 3 * stride);
        FloatVector a, c;
        a = v0; c = v1; v0 = LO0.selectFrom(a, c); v1 = HI0.selectFrom(a, c);
        a = v2; c = v3; v2 = LO0.selectFrom(a, c); v3 = HI0.selectFrom(a, c);
        a = v0; c = v2; v0 = LO1.selectFrom(a, c); v2 = HI1.selectFrom(a, c);
        a = v1; c = v3; v1 = LO1.selectFrom(a, c); v3 = HI1.selectFrom(a, c);
        v0.intoArray(buf, b);
        v1.intoArray(buf, b + 16);
        v2.intoArray(buf, b + 32);
        v3.intoArray(buf, b + 48);
    }

    /**
     * Rows j, j + 4, j + 8, j + 12 of buf (row j at buf[b ..]) through rounds 2 and 3: the block's columns
     * j, j + 4, j + 8 and j + 12, stored (or added) at dst[d0 + cols[c] ..], cols[c + 4], cols[c + 8], cols[c + 12].
     */
    private static void highRounds(float[] buf, int b, float[] dst, int d0, int[] cols, int c, boolean add) {
        FloatVector v0 = FloatVector.fromArray(S, buf, b), v1 = FloatVector.fromArray(S, buf, b + 64);
        FloatVector v2 = FloatVector.fromArray(S, buf, b + 128), v3 = FloatVector.fromArray(S, buf, b + 192);
        FloatVector x, y;
        x = v0; y = v1; v0 = LO2.selectFrom(x, y); v1 = HI2.selectFrom(x, y);
        x = v2; y = v3; v2 = LO2.selectFrom(x, y); v3 = HI2.selectFrom(x, y);
        x = v0; y = v2; v0 = LO3.selectFrom(x, y); v2 = HI3.selectFrom(x, y);
        x = v1; y = v3; v1 = LO3.selectFrom(x, y); v3 = HI3.selectFrom(x, y);
        int o0 = d0 + cols[c], o1 = d0 + cols[c + 4], o2 = d0 + cols[c + 8], o3 = d0 + cols[c + 12];
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, dst, o0));
            v1 = v1.add(FloatVector.fromArray(S, dst, o1));
            v2 = v2.add(FloatVector.fromArray(S, dst, o2));
            v3 = v3.add(FloatVector.fromArray(S, dst, o3));
        }
        v0.intoArray(dst, o0);
        v1.intoArray(dst, o1);
        v2.intoArray(dst, o2);
        v3.intoArray(dst, o3);
    }

    /** The 8 × 8 block: rounds 0, 1, 2 in registers; column j (the lanes: rows 0..7) to dst[d0 + cols[c0 + j] ..]. */
    private static void block8(float[] src, int s, int stride, float[] dst, int d0, int[] cols, int c0, boolean add) {
        FloatVector v0 = FloatVector.fromArray(S, src, s), v1 = FloatVector.fromArray(S, src, s + stride);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * stride), v3 = FloatVector.fromArray(S, src, s + 3 * stride);
        FloatVector v4 = FloatVector.fromArray(S, src, s + 4 * stride), v5 = FloatVector.fromArray(S, src, s + 5 * stride);
        FloatVector v6 = FloatVector.fromArray(S, src, s + 6 * stride), v7 = FloatVector.fromArray(S, src, s + 7 * stride);
        FloatVector x, y;
        x = v0; y = v1; v0 = LO0.selectFrom(x, y); v1 = HI0.selectFrom(x, y);
        x = v2; y = v3; v2 = LO0.selectFrom(x, y); v3 = HI0.selectFrom(x, y);
        x = v4; y = v5; v4 = LO0.selectFrom(x, y); v5 = HI0.selectFrom(x, y);
        x = v6; y = v7; v6 = LO0.selectFrom(x, y); v7 = HI0.selectFrom(x, y);
        x = v0; y = v2; v0 = LO1.selectFrom(x, y); v2 = HI1.selectFrom(x, y);
        x = v1; y = v3; v1 = LO1.selectFrom(x, y); v3 = HI1.selectFrom(x, y);
        x = v4; y = v6; v4 = LO1.selectFrom(x, y); v6 = HI1.selectFrom(x, y);
        x = v5; y = v7; v5 = LO1.selectFrom(x, y); v7 = HI1.selectFrom(x, y);
        x = v0; y = v4; v0 = LO2.selectFrom(x, y); v4 = HI2.selectFrom(x, y);
        x = v1; y = v5; v1 = LO2.selectFrom(x, y); v5 = HI2.selectFrom(x, y);
        x = v2; y = v6; v2 = LO2.selectFrom(x, y); v6 = HI2.selectFrom(x, y);
        x = v3; y = v7; v3 = LO2.selectFrom(x, y); v7 = HI2.selectFrom(x, y);
        int o0 = d0 + cols[c0], o1 = d0 + cols[c0 + 1], o2 = d0 + cols[c0 + 2], o3 = d0 + cols[c0 + 3];
        int o4 = d0 + cols[c0 + 4], o5 = d0 + cols[c0 + 5], o6 = d0 + cols[c0 + 6], o7 = d0 + cols[c0 + 7];
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, dst, o0));
            v1 = v1.add(FloatVector.fromArray(S, dst, o1));
            v2 = v2.add(FloatVector.fromArray(S, dst, o2));
            v3 = v3.add(FloatVector.fromArray(S, dst, o3));
            v4 = v4.add(FloatVector.fromArray(S, dst, o4));
            v5 = v5.add(FloatVector.fromArray(S, dst, o5));
            v6 = v6.add(FloatVector.fromArray(S, dst, o6));
            v7 = v7.add(FloatVector.fromArray(S, dst, o7));
        }
        v0.intoArray(dst, o0);
        v1.intoArray(dst, o1);
        v2.intoArray(dst, o2);
        v3.intoArray(dst, o3);
        v4.intoArray(dst, o4);
        v5.intoArray(dst, o5);
        v6.intoArray(dst, o6);
        v7.intoArray(dst, o7);
    }

    /** The 4 × 4 block: rounds 0 and 1, as {@link #block8}. */
    private static void block4(float[] src, int s, int stride, float[] dst, int d0, int[] cols, int c0, boolean add) {
        FloatVector v0 = FloatVector.fromArray(S, src, s), v1 = FloatVector.fromArray(S, src, s + stride);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * stride), v3 = FloatVector.fromArray(S, src, s + 3 * stride);
        FloatVector x, y;
        x = v0; y = v1; v0 = LO0.selectFrom(x, y); v1 = HI0.selectFrom(x, y);
        x = v2; y = v3; v2 = LO0.selectFrom(x, y); v3 = HI0.selectFrom(x, y);
        x = v0; y = v2; v0 = LO1.selectFrom(x, y); v2 = HI1.selectFrom(x, y);
        x = v1; y = v3; v1 = LO1.selectFrom(x, y); v3 = HI1.selectFrom(x, y);
        int o0 = d0 + cols[c0], o1 = d0 + cols[c0 + 1], o2 = d0 + cols[c0 + 2], o3 = d0 + cols[c0 + 3];
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, dst, o0));
            v1 = v1.add(FloatVector.fromArray(S, dst, o1));
            v2 = v2.add(FloatVector.fromArray(S, dst, o2));
            v3 = v3.add(FloatVector.fromArray(S, dst, o3));
        }
        v0.intoArray(dst, o0);
        v1.intoArray(dst, o1);
        v2.intoArray(dst, o2);
        v3.intoArray(dst, o3);
    }
}
