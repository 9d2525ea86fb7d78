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
 * 4-bit weights (−7..7) × 8-bit activations by widening multiplies in 16-bit lanes along K.
 *
 * <p>Layout: each row in chunks of 2·H codes (H = the short lanes, 32 at 512 bits), H bytes a chunk;
 * byte i holds code k0 + i + 8 in its low nibble (biased, so one AND extracts it) and code k0 + H + i
 * in its high nibble (two's complement, so an arithmetic shift of the sign-extended byte extracts
 * it). One load of H bytes widened to H shorts thus gives two vectors of codes lined up with two contiguous vectors of
 * activations, no shuffles. The bias is taken back once per activation row:
 * Σ (q + 8)·x = Σ q·x + 8·Σ x over the low-nibble positions. Low- and high-nibble products sum
 * in separate 16-bit accumulators for {@link #FLUSH} chunks, then in ints: the low ones are
 * non-negative and read as unsigned (16·15·255 < 2^16), the high ones signed (16·7·255 < 2^15).
 * Rows are padded to an even count and K to a multiple of 2·H with zero codes (and zero activations).
 * Ternary codes run through this kernel too where the ternary tables do not fit the vectors.
 *
 * <p>Measured (GEMV 4096 × 4096, 8-bit activations, one core, a training job sharing the two
 * cores, µs per product over 6 runs): this layout 785–1010 (about 850 typical); low nibble signed
 * (two shifts, flush every 8 chunks) 790–1100 (about 970); 4 weight bit-planes × 8 activation
 * planes with VPOPCNTQ 1200–1400; the same codes through the int8 kernel 1430–1500. Two rows per
 * loop gained nothing (860–1090). One accumulator for both nibbles, flushed every 4 chunks
 * (|sum| ≤ 4·(15 + 7)·255), measured 930–1030 beside 635–935 for the split accumulators flushed
 * every 16 (fewer widenings, two independent add chains). A table-lookup variant like the ternary kernel
 * (q = 4·(u − 2) + l, base-4 digits u and l of three codes indexing one 64-entry table of the
 * three activations through the two-table permute selectFrom(lo, hi), 5.3 bits per weight) lost
 * in the same runs: 880–900 µs with one channel block per loop, 1370–1520 with two (this kernel
 * 650–790 there; ternary tables 310–335).
 */
final class Int4Matrix extends ChunkedMatrix {
    private static final VectorSpecies<Short> S = VectorWidth.SHORTS;
    /** Bytes with as many lanes as S: a chunk's nibbles. */
    private static final VectorSpecies<Byte> B = S.withShape(VectorShape.forBitSize(S.vectorBitSize() / 2)).withLanes(byte.class);
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    /** Codes per half chunk: the short lanes. */
    private static final int HALF = S.length();
    private static final int CHUNK_CODES = 2 * HALF;
    private static final int FLUSH = 16;
    private static final int BIAS = 8;
    private static final short LOW = 0xf;

    private final WeightEncoding encoding;
    private final int kPad, rowBytes, tiles;
    private final byte[] nibbles;

    /** Codes within ±7 (int4, or ternary codes), reported as the given encoding. */
    Int4Matrix(WeightEncoding encoding, int[] codes, int rows, int depth) {
        super(rows, depth);
        this.encoding = encoding;
        kPad = (depth + CHUNK_CODES - 1) / CHUNK_CODES * CHUNK_CODES;
        rowBytes = kPad / 2;
        tiles = (rows + 1) / 2;
        nibbles = new byte[2 * tiles * rowBytes];
        for (int o = 0; o < 2 * tiles; o++) {
            for (int c = 0; c < kPad; c += CHUNK_CODES) {
                for (int i = 0; i < HALF; i++) {
                    int lo = code(codes, o, c + i), hi = code(codes, o, c + HALF + i);
                    nibbles[o * rowBytes + c / 2 + i] = (byte) ((lo + BIAS) | (hi << 4));
                }
            }
        }
    }

    private int code(int[] codes, int o, int k) {
        return o < rows && k < depth ? codes[o * depth + k] : 0;
    }

    @Override
    public WeightEncoding encoding() {
        return encoding;
    }

    @Override
    int tiles() {
        return tiles;
    }

    @Override
    int tileRows() {
        return 2;
    }

    @Override
    int preparedLength() {
        return kPad;
    }

    /** Widens the row to shorts (zero-padded) and returns 8·Σ x over the low-nibble positions. */
    @Override
    int prepare(byte[] x, int xOff, short[] dst, int dOff) {
        IntVector sums = IntVector.zero(I);
        int k = 0;
        // Whole half-chunks by vectors (a GEMV's preparation is a few percent of its time otherwise), then the tail.
        for (; k + HALF <= depth; k += HALF) {
            ShortVector v = (ShortVector) ByteVector.fromArray(B, x, xOff + k).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            v.intoArray(dst, dOff + k);
            if (k % CHUNK_CODES == 0) sums = sums.add(v.reinterpretAsInts().and(0xffff)).add(v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 16));
        }
        int biasSum = sums.reduceLanes(VectorOperators.ADD);
        for (; k < kPad; k++) {
            int v = k < depth ? x[xOff + k] & 0xff : 0;
            dst[dOff + k] = (short) v;
            if (k % CHUNK_CODES < HALF) biasSum += v;
        }
        return BIAS * biasSum;
    }

    @Override
    void compute(PreparedRows p, int nCount, int t0, int t1, int[] y, int yOff) {
        short[] xs = p.data;
        int[] corrections = p.corrections;
        for (int t = t0; t < t1; t++) {
            int o = 2 * t;
            int n = 0;
            for (; n + 2 <= nCount; n += 2) twoByTwo(xs, corrections, n, o, y, yOff);
            if (n < nCount) {
                store(y, yOff, n, o, dot(xs, n * kPad, o * rowBytes) - corrections[n]);
                store(y, yOff, n, o + 1, dot(xs, n * kPad, (o + 1) * rowBytes) - corrections[n]);
            }
        }
    }

    private void store(int[] y, int yOff, int n, int o, int value) {
        if (o < rows) y[yOff + n * rows + o] = value;
    }

    /*
     * The loops below spell out every vector operation inline: C2 declines to inline small
     * vector-taking helpers when the caller is deep in a JMH or pool call chain, and then boxes
     * the vectors (measured 5x slower GEMV with low()/high()/widen() helpers). The 16-bit sums
     * run over blocks of FLUSH chunks in an inner loop of its own, with the nibble mask hoisted:
     * a flush test inside one flat loop made C2 re-broadcast the mask and recompute the test every
     * chunk (37 GOP/s one core, against 62 for this shape; GEMV 256 × 4096 in L2). A flush reads
     * each int lane's two shorts by shifts, cheaper than widening conversions. Shift counts are
     * vectors: a scalar count compiles to the two-uop shift-by-xmm form.
     */

    /** Activation rows n, n + 1 × channels o, o + 1: each weight chunk unpacked once, each activation load used twice. */
    private void twoByTwo(short[] xs, int[] corrections, int n, int o, int[] y, int yOff) {
        IntVector t00 = IntVector.zero(I), t01 = t00, t10 = t00, t11 = t00;
        ShortVector low = ShortVector.broadcast(S, LOW), shift = ShortVector.broadcast(S, (short) 4);
        int x0 = n * kPad, x1 = x0 + kPad, w0 = o * rowBytes, w1 = w0 + rowBytes;
        for (int c0 = 0, chunks = kPad / CHUNK_CODES; c0 < chunks; c0 += FLUSH) {
            ShortVector l00 = ShortVector.zero(S), l01 = l00, l10 = l00, l11 = l00, h00 = l00, h01 = l00, h10 = l00, h11 = l00;
            for (int c = c0, end = Math.min(chunks, c0 + FLUSH); c < end; c++, x0 += CHUNK_CODES, x1 += CHUNK_CODES, w0 += HALF, w1 += HALF) {
                ShortVector q0 = (ShortVector) ByteVector.fromArray(B, nibbles, w0).convertShape(VectorOperators.B2S, S, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromArray(B, nibbles, w1).convertShape(VectorOperators.B2S, S, 0);
                ShortVector lo0 = q0.and(low), hi0 = q0.lanewise(VectorOperators.ASHR, shift);
                ShortVector lo1 = q1.and(low), hi1 = q1.lanewise(VectorOperators.ASHR, shift);
                ShortVector a0 = ShortVector.fromArray(S, xs, x0), b0 = ShortVector.fromArray(S, xs, x0 + HALF);
                ShortVector a1 = ShortVector.fromArray(S, xs, x1), b1 = ShortVector.fromArray(S, xs, x1 + HALF);
                l00 = l00.add(lo0.mul(a0));
                h00 = h00.add(hi0.mul(b0));
                l01 = l01.add(lo1.mul(a0));
                h01 = h01.add(hi1.mul(b0));
                l10 = l10.add(lo0.mul(a1));
                h10 = h10.add(hi0.mul(b1));
                l11 = l11.add(lo1.mul(a1));
                h11 = h11.add(hi1.mul(b1));
            }
            // Low sums are unsigned 16-bit, high sums signed: split each int lane by logical / arithmetic shifts.
            IntVector l = l00.reinterpretAsInts(), h = h00.reinterpretAsInts();
            t00 = t00.add(l.and(0xffff)).add(l.lanewise(VectorOperators.LSHR, 16))
                    .add(h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).add(h.lanewise(VectorOperators.ASHR, 16));
            l = l01.reinterpretAsInts();
            h = h01.reinterpretAsInts();
            t01 = t01.add(l.and(0xffff)).add(l.lanewise(VectorOperators.LSHR, 16))
                    .add(h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).add(h.lanewise(VectorOperators.ASHR, 16));
            l = l10.reinterpretAsInts();
            h = h10.reinterpretAsInts();
            t10 = t10.add(l.and(0xffff)).add(l.lanewise(VectorOperators.LSHR, 16))
                    .add(h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).add(h.lanewise(VectorOperators.ASHR, 16));
            l = l11.reinterpretAsInts();
            h = h11.reinterpretAsInts();
            t11 = t11.add(l.and(0xffff)).add(l.lanewise(VectorOperators.LSHR, 16))
                    .add(h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).add(h.lanewise(VectorOperators.ASHR, 16));
        }
        store(y, yOff, n, o, t00.reduceLanes(VectorOperators.ADD) - corrections[n]);
        store(y, yOff, n, o + 1, t01.reduceLanes(VectorOperators.ADD) - corrections[n]);
        store(y, yOff, n + 1, o, t10.reduceLanes(VectorOperators.ADD) - corrections[n + 1]);
        store(y, yOff, n + 1, o + 1, t11.reduceLanes(VectorOperators.ADD) - corrections[n + 1]);
    }

    /**
     * One activation row × one channel (a GEMV, or the odd row of a batch), two chunks a step in
     * separate accumulators (each sums at most FLUSH / 2 chunks before the pair is merged, so the
     * merged low sums stay below 2^16).
     */
    private int dot(short[] xs, int x, int w) {
        IntVector total = IntVector.zero(I);
        ShortVector low = ShortVector.broadcast(S, LOW), shift = ShortVector.broadcast(S, (short) 4);
        for (int c0 = 0, chunks = kPad / CHUNK_CODES; c0 < chunks; c0 += FLUSH) {
            ShortVector lo = ShortVector.zero(S), hi = lo, lo2 = lo, hi2 = lo;
            int c = c0, end = Math.min(chunks, c0 + FLUSH);
            for (; c + 1 < end; c += 2, x += 2 * CHUNK_CODES, w += 2 * HALF) {
                ShortVector q = (ShortVector) ByteVector.fromArray(B, nibbles, w).convertShape(VectorOperators.B2S, S, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromArray(B, nibbles, w + HALF).convertShape(VectorOperators.B2S, S, 0);
                lo = lo.add(q.and(low).mul(ShortVector.fromArray(S, xs, x)));
                hi = hi.add(q.lanewise(VectorOperators.ASHR, shift).mul(ShortVector.fromArray(S, xs, x + HALF)));
                lo2 = lo2.add(q2.and(low).mul(ShortVector.fromArray(S, xs, x + CHUNK_CODES)));
                hi2 = hi2.add(q2.lanewise(VectorOperators.ASHR, shift).mul(ShortVector.fromArray(S, xs, x + CHUNK_CODES + HALF)));
            }
            if (c < end) {
                ShortVector q = (ShortVector) ByteVector.fromArray(B, nibbles, w).convertShape(VectorOperators.B2S, S, 0);
                lo = lo.add(q.and(low).mul(ShortVector.fromArray(S, xs, x)));
                hi = hi.add(q.lanewise(VectorOperators.ASHR, shift).mul(ShortVector.fromArray(S, xs, x + HALF)));
                x += CHUNK_CODES;
                w += HALF;
            }
            IntVector l = lo.add(lo2).reinterpretAsInts(), h = hi.add(hi2).reinterpretAsInts();
            total = total.add(l.and(0xffff)).add(l.lanewise(VectorOperators.LSHR, 16))
                    .add(h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).add(h.lanewise(VectorOperators.ASHR, 16));
        }
        return total.reduceLanes(VectorOperators.ADD);
    }
}
