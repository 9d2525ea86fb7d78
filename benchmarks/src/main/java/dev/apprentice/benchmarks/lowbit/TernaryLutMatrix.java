package dev.apprentice.benchmarks.lowbit;

import dev.apprentice.quant.WeightEncoding;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ternary weights × 8-bit activations by table lookup, with no multiply. Three ternary weights
 * take one of 27 states, so each group of three activations (x0, x1, x2) is turned into a table
 * of the 27 sums d0·x0 + d1·x1 + d2·x2 (d ∈ {−1, 0, 1}) in 16-bit lanes, and a weight row keeps,
 * per group, only the state index (one byte: 2.67 bits per weight). One 512-bit permute
 * (vpermw: {@code selectFrom}) then looks up a group for 32 output channels at once.
 *
 * <p>Layout: blocks of 32 output channels (rows padded to a multiple of 32 with zero weights);
 * index[(block·groups + g)·32 + lane]. A tile is 2 channel blocks (the last one may hold 1) and
 * the kernel runs it against 2 activation rows at a time, sharing each table and index load; it
 * flushes its 16-bit sums to int32 every {@link #FLUSH} groups (|sum| ≤ 32·3·255 < 2^15).
 *
 * <p>Measured (GEMV 4096 × 4096, 8-bit activations, one core, a training job sharing the two
 * cores, µs per product over 4–6 runs): this kernel 275–395 (one channel block per loop: 400–435;
 * tables built by scalar loops: +160); bit-planes with VPOPCNTQ (LongVector BIT_COUNT, 8
 * activation planes × {+, −} masks) 510–750; masked add/sub of 16-bit activations
 * (VectorMask.fromLong on sign masks) 1100–1420; fp32 GEMV 3350–11400. Bit-planes scale with the
 * activation bits (250–275 µs at 2 and 4 bits, where they are memory-bound); tables do not, and
 * 8-bit activations are the common case.
 * On convolution shapes (64-pixel chunks, one core) tables also beat the same ternary codes run
 * through the int4 kernel: 16 channels × K 144: 7.7–8.1 vs 2.6–8.0 GOP/s; 64 × 576: 36–57 vs 23–25.
 */
final class TernaryLutMatrix extends ChunkedMatrix {
    /** Output channels per block: the 32 lanes of a 512-bit short vector. */
    private static final int LANES = 32;
    /** Whether the machine's short vectors have the 32 lanes the 27-state tables need. */
    static final boolean APPLIES = VectorWidth.VECTOR && VectorWidth.SHORTS.length() == LANES;
    private static final VectorSpecies<Short> S = VectorWidth.SHORTS;
    /** Bytes with as many lanes as S. */
    private static final VectorSpecies<Byte> B = S.withShape(VectorShape.forBitSize(S.vectorBitSize() / 2)).withLanes(byte.class);
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    private static final int TILE = 2 * LANES;
    private static final int FLUSH = 32;
    /** The state of three zero weights: digits (q + 1) = 1, 1, 1 in base 3. */
    private static final byte ZERO_STATE = 13;
    /** DIGIT[j][state] = the weight of activation j in that state (−1, 0, 1); states 27..31 are 0. */
    static final ShortVector DIGIT0, DIGIT1, DIGIT2;

    static {
        short[][] digits = new short[3][LANES];
        for (int s = 0; s < 27; s++) {
            digits[0][s] = (short) (s % 3 - 1);
            digits[1][s] = (short) (s / 3 % 3 - 1);
            digits[2][s] = (short) (s / 9 - 1);
        }
        DIGIT0 = APPLIES ? ShortVector.fromArray(S, digits[0], 0) : null;
        DIGIT1 = APPLIES ? ShortVector.fromArray(S, digits[1], 0) : null;
        DIGIT2 = APPLIES ? ShortVector.fromArray(S, digits[2], 0) : null;
    }

    private final int groups, blocks;
    private final byte[] index;

    TernaryLutMatrix(int[] codes, int rows, int depth) {
        super(rows, depth);
        groups = (depth + 2) / 3;
        blocks = (rows + LANES - 1) / LANES;
        index = new byte[blocks * groups * LANES];
        java.util.Arrays.fill(index, ZERO_STATE);
        for (int o = 0; o < rows; o++) {
            for (int g = 0; g < groups; g++) {
                int state = 0;
                for (int j = 2; j >= 0; j--) {
                    int k = 3 * g + j;
                    state = 3 * state + (k < depth ? codes[o * depth + k] : 0) + 1;
                }
                index[((o / LANES) * groups + g) * LANES + o % LANES] = (byte) state;
            }
        }
    }

    @Override
    public WeightEncoding encoding() {
        return WeightEncoding.TERNARY;
    }

    @Override
    int tiles() {
        return (blocks + 1) / 2;
    }

    @Override
    int tileRows() {
        return TILE;
    }

    @Override
    int preparedLength() {
        return groups * LANES;
    }

    /** The 27-entry table of every group of three activations. */
    @Override
    int prepare(byte[] x, int xOff, short[] dst, int dOff) {
        buildTables(x, xOff, depth, groups, dst, dOff);
        return 0;
    }

    /** Tables of codes x[off, off + codes), zero-padded to count groups of three. */
    private static void buildTables(byte[] x, int off, int codes, int count, short[] dst, int dOff) {
        for (int g = 0; g < count; g++) {
            int k = 3 * g;
            short x0 = k < codes ? (short) (x[off + k] & 0xff) : 0;
            short x1 = k + 1 < codes ? (short) (x[off + k + 1] & 0xff) : 0;
            short x2 = k + 2 < codes ? (short) (x[off + k + 2] & 0xff) : 0;
            DIGIT0.mul(x0).add(DIGIT1.mul(x1)).add(DIGIT2.mul(x2)).intoArray(dst, dOff + g * LANES);
        }
    }

    /**
     * Builds each distinct run's tables once for the chunk (with 3×3 convolutions in 64-pixel
     * chunks, about a quarter of the im2col rows' tables) plus one run of zero tables for taps
     * in the padding. Runs must cover whole groups (depth / runsPerRow a multiple of 3, see
     * {@link LowBitMatrix#runStride}); otherwise the rows are gathered and prepared plainly.
     */
    @Override
    void prepareRuns(PreparedRows p, byte[] x, int[] runStarts, int runsPerRow, int runLength, int n0, int count) {
        int stride = depth / runsPerRow;
        if (stride % 3 != 0) {
            super.prepareRuns(p, x, runStarts, runsPerRow, runLength, n0, count);
            return;
        }
        int runGroups = stride / 3, size = runGroups * LANES, uses = count * runsPerRow;
        RunIndex seen = KernelScratch.get().runIndex();
        seen.clear(uses);
        short[] data = p.data((uses + 1) * size);
        java.util.Arrays.fill(data, 0, size, (short) 0);
        int[] base = p.runBase(uses);
        for (int i = 0; i < uses; i++) {
            int start = runStarts[n0 * runsPerRow + i];
            if (start < 0) {
                base[i] = 0;
                continue;
            }
            int slot = seen.slotOf(start);
            if (slot < 0) {
                slot = -1 - slot;
                buildTables(x, start, runLength, runGroups, data, (slot + 1) * size);
            }
            base[i] = (slot + 1) * size;
        }
        java.util.Arrays.fill(p.corrections(count), 0, count, 0);
        p.runs = runsPerRow;
        p.runLength = size;
    }

    @Override
    void compute(PreparedRows p, int nCount, int t0, int t1, int[] y, int yOff) {
        int width = (t1 - t0) * TILE;
        int[] acc = KernelScratch.get().accumulators(nCount * width);
        java.util.Arrays.fill(acc, 0, nCount * width, 0);
        for (int g0 = 0; g0 < groups; g0 += FLUSH) {
            int g1 = Math.min(groups, g0 + FLUSH);
            for (int t = t0; t < t1; t++) {
                int i0 = ((2 * t) * groups + g0) * LANES, i1 = i0 + groups * LANES, a = (t - t0) * TILE;
                boolean pair = 2 * t + 1 < blocks;
                int n = 0;
                for (; n + 2 <= nCount; n += 2) {
                    if (pair) twoRows(p, n, g0, g1, i0, i1, acc, n * width + a, width);
                    else twoRowsOneBlock(p, n, g0, g1, i0, acc, n * width + a, width);
                }
                if (n < nCount) oneRow(p, n, g0, g1, i0, pair ? i1 : -1, acc, n * width + a);
            }
        }
        for (int n = 0; n < nCount; n++) {
            int o0 = t0 * TILE, o1 = Math.min(rows, t1 * TILE);
            if (o1 > o0) System.arraycopy(acc, n * width, y, yOff + n * rows + o0, o1 - o0);
        }
    }

    /*
     * The kernels below walk groups [g0, g1) of their activation rows run by run (a plain row is
     * one run), keeping the 16-bit sums in registers across runs, and spell every vector
     * operation inline (C2 may box vectors passed to helpers; see Int4Matrix).
     */

    /** Two activation rows n, n + 1 × two channel blocks (indices from i0, i1). */
    private void twoRows(PreparedRows p, int n, int g0, int g1, int i0, int i1, int[] acc, int a, int width) {
        short[] tables = p.data;
        int runs = p.runs, runGroups = p.runLength / LANES;
        ShortVector s00 = ShortVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
        for (int g = g0; g < g1; ) {
            int r = g / runGroups, skip = g - r * runGroups, end = Math.min(g1, g + runGroups - skip);
            int tab0 = p.runBase[n * runs + r] + skip * LANES, tab1 = p.runBase[(n + 1) * runs + r] + skip * LANES;
            for (; g < end; g++, tab0 += LANES, tab1 += LANES, i0 += LANES, i1 += LANES) {
                ShortVector q0 = (ShortVector) ByteVector.fromArray(B, index, i0).convertShape(VectorOperators.B2S, S, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromArray(B, index, i1).convertShape(VectorOperators.B2S, S, 0);
                ShortVector x0 = ShortVector.fromArray(S, tables, tab0), x1 = ShortVector.fromArray(S, tables, tab1);
                s00 = s00.add(q0.selectFrom(x0));
                s01 = s01.add(q1.selectFrom(x0));
                s10 = s10.add(q0.selectFrom(x1));
                s11 = s11.add(q1.selectFrom(x1));
            }
        }
        flush(s00, acc, a);
        flush(s01, acc, a + LANES);
        flush(s10, acc, a + width);
        flush(s11, acc, a + width + LANES);
    }

    /** The last, single channel block of an odd block count (layers of 32 or fewer channels), two activation rows. */
    private void twoRowsOneBlock(PreparedRows p, int n, int g0, int g1, int i0, int[] acc, int a, int width) {
        short[] tables = p.data;
        int runs = p.runs, runGroups = p.runLength / LANES;
        ShortVector s0 = ShortVector.zero(S), s1 = s0;
        for (int g = g0; g < g1; ) {
            int r = g / runGroups, skip = g - r * runGroups, end = Math.min(g1, g + runGroups - skip);
            int tab0 = p.runBase[n * runs + r] + skip * LANES, tab1 = p.runBase[(n + 1) * runs + r] + skip * LANES;
            for (; g < end; g++, tab0 += LANES, tab1 += LANES, i0 += LANES) {
                ShortVector q = (ShortVector) ByteVector.fromArray(B, index, i0).convertShape(VectorOperators.B2S, S, 0);
                s0 = s0.add(q.selectFrom(ShortVector.fromArray(S, tables, tab0)));
                s1 = s1.add(q.selectFrom(ShortVector.fromArray(S, tables, tab1)));
            }
        }
        flush(s0, acc, a);
        flush(s1, acc, a + width);
    }

    /** One activation row × the tile's blocks (i1 < 0: a single block). */
    private void oneRow(PreparedRows p, int n, int g0, int g1, int i0, int i1, int[] acc, int a) {
        short[] tables = p.data;
        int runs = p.runs, runGroups = p.runLength / LANES;
        boolean second = i1 >= 0;
        ShortVector s0 = ShortVector.zero(S), s1 = s0;
        for (int g = g0; g < g1; ) {
            int r = g / runGroups, skip = g - r * runGroups, end = Math.min(g1, g + runGroups - skip);
            int tab = p.runBase[n * runs + r] + skip * LANES;
            for (; g < end; g++, tab += LANES, i0 += LANES, i1 += LANES) {
                ShortVector x = ShortVector.fromArray(S, tables, tab);
                ShortVector q0 = (ShortVector) ByteVector.fromArray(B, index, i0).convertShape(VectorOperators.B2S, S, 0);
                s0 = s0.add(q0.selectFrom(x));
                if (second) {
                    ShortVector q1 = (ShortVector) ByteVector.fromArray(B, index, i1).convertShape(VectorOperators.B2S, S, 0);
                    s1 = s1.add(q1.selectFrom(x));
                }
            }
        }
        flush(s0, acc, a);
        if (second) flush(s1, acc, a + LANES);
    }

    /** acc[a, a + 32) += the 32 short sums, widened (once per {@link #FLUSH} groups, so a call is cheap even if C2 boxes its argument). */
    private static void flush(ShortVector sums, int[] acc, int a) {
        IntVector.fromArray(I, acc, a).add(sums.convertShape(VectorOperators.S2I, I, 0)).intoArray(acc, a);
        IntVector.fromArray(I, acc, a + 16).add(sums.convertShape(VectorOperators.S2I, I, 1)).intoArray(acc, a + 16);
    }
}
