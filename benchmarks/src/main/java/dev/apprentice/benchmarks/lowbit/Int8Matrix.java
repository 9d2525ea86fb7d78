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
 * 8-bit weights (−127..127) × 8-bit activations along K: a vector of codes widened to shorts, one 16-bit
 * multiply (|q·x| ≤ 127·255 < 2^15, exact), then widened to ints and summed (two products no
 * longer fit a short). The Vector API has no VNNI / vpmaddwd, so this costs about what an fp32
 * FMA does per element; the gain over fp32 is the 4× smaller weights. Layout: the file's signed
 * bytes, rows padded to an even count and K to a multiple of the short lanes with zeros.
 */
final class Int8Matrix extends ChunkedMatrix {
    private static final VectorSpecies<Short> S = VectorWidth.SHORTS;
    /** Bytes with as many lanes as S, widened to it. */
    private static final VectorSpecies<Byte> B = S.withShape(VectorShape.forBitSize(S.vectorBitSize() / 2)).withLanes(byte.class);
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    private static final int STEP = S.length();

    private final int kPad, tiles;
    private final byte[] weights;

    Int8Matrix(int[] codes, int rows, int depth) {
        super(rows, depth);
        kPad = (depth + STEP - 1) / STEP * STEP;
        tiles = (rows + 1) / 2;
        weights = new byte[2 * tiles * kPad];
        for (int o = 0; o < rows; o++)
            for (int k = 0; k < depth; k++) weights[o * kPad + k] = (byte) codes[o * depth + k];
    }

    @Override
    public WeightEncoding encoding() {
        return WeightEncoding.INT8;
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

    @Override
    int prepare(byte[] x, int xOff, short[] dst, int dOff) {
        for (int k = 0; k < kPad; k++) dst[dOff + k] = k < depth ? (short) (x[xOff + k] & 0xff) : 0;
        return 0;
    }

    @Override
    void compute(PreparedRows p, int nCount, int t0, int t1, int[] y, int yOff) {
        short[] xs = p.data;
        int[] corrections = p.corrections;
        for (int t = t0; t < t1; t++) {
            int o = 2 * t;
            int n = 0;
            for (; n + 2 <= nCount; n += 2) twoByTwo(xs, n, o, y, yOff);
            if (n < nCount) {
                store(y, yOff, n, o, dot(xs, n * kPad, o * kPad));
                store(y, yOff, n, o + 1, dot(xs, n * kPad, (o + 1) * kPad));
            }
        }
    }

    private void store(int[] y, int yOff, int n, int o, int value) {
        if (o < rows) y[yOff + n * rows + o] = value;
    }

    /* Every vector operation inline (see Int4Matrix: C2 may box vectors passed to helpers). */
    private void twoByTwo(short[] xs, int n, int o, int[] y, int yOff) {
        IntVector t00 = IntVector.zero(I), t01 = t00, t10 = t00, t11 = t00;
        int x0 = n * kPad, x1 = x0 + kPad, w0 = o * kPad, w1 = w0 + kPad;
        for (int k = 0; k < kPad; k += STEP) {
            ShortVector q0 = (ShortVector) ByteVector.fromArray(B, weights, w0 + k).convertShape(VectorOperators.B2S, S, 0);
            ShortVector q1 = (ShortVector) ByteVector.fromArray(B, weights, w1 + k).convertShape(VectorOperators.B2S, S, 0);
            ShortVector a0 = ShortVector.fromArray(S, xs, x0 + k), a1 = ShortVector.fromArray(S, xs, x1 + k);
            ShortVector p00 = q0.mul(a0), p01 = q1.mul(a0), p10 = q0.mul(a1), p11 = q1.mul(a1);
            t00 = t00.add(p00.convertShape(VectorOperators.S2I, I, 0)).add(p00.convertShape(VectorOperators.S2I, I, 1));
            t01 = t01.add(p01.convertShape(VectorOperators.S2I, I, 0)).add(p01.convertShape(VectorOperators.S2I, I, 1));
            t10 = t10.add(p10.convertShape(VectorOperators.S2I, I, 0)).add(p10.convertShape(VectorOperators.S2I, I, 1));
            t11 = t11.add(p11.convertShape(VectorOperators.S2I, I, 0)).add(p11.convertShape(VectorOperators.S2I, I, 1));
        }
        store(y, yOff, n, o, t00.reduceLanes(VectorOperators.ADD));
        store(y, yOff, n, o + 1, t01.reduceLanes(VectorOperators.ADD));
        store(y, yOff, n + 1, o, t10.reduceLanes(VectorOperators.ADD));
        store(y, yOff, n + 1, o + 1, t11.reduceLanes(VectorOperators.ADD));
    }

    private int dot(short[] xs, int x, int w) {
        IntVector total = IntVector.zero(I);
        for (int k = 0; k < kPad; k += STEP) {
            ShortVector p = ((ShortVector) ByteVector.fromArray(B, weights, w + k).convertShape(VectorOperators.B2S, S, 0))
                    .mul(ShortVector.fromArray(S, xs, x + k));
            total = total.add(p.convertShape(VectorOperators.S2I, I, 0)).add(p.convertShape(VectorOperators.S2I, I, 1));
        }
        return total.reduceLanes(VectorOperators.ADD);
    }
}
