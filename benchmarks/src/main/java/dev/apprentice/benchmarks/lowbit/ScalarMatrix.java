package dev.apprentice.benchmarks.lowbit;

import dev.apprentice.quant.WeightEncoding;

/**
 * The plain twin of the low-bit matrices: the codes as ints, each output an int loop over k in
 * order. It runs where the JVM compiles no vector code, and the vector kernels are tested against
 * it (their sums are exact integers, so equal whatever the order).
 */
final class ScalarMatrix extends ChunkedMatrix {
    private final WeightEncoding encoding;
    private final int[] codes;

    ScalarMatrix(WeightEncoding encoding, int[] codes, int rows, int depth) {
        super(rows, depth);
        this.encoding = encoding;
        this.codes = codes.clone();
    }

    @Override
    public WeightEncoding encoding() {
        return encoding;
    }

    @Override
    int tiles() {
        return rows;
    }

    @Override
    int tileRows() {
        return 1;
    }

    @Override
    int preparedLength() {
        return depth;
    }

    @Override
    int prepare(byte[] x, int xOff, short[] dst, int dOff) {
        for (int k = 0; k < depth; k++) dst[dOff + k] = (short) (x[xOff + k] & 0xff);
        return 0;
    }

    @Override
    void compute(PreparedRows p, int nCount, int t0, int t1, int[] y, int yOff) {
        for (int n = 0; n < nCount; n++) {
            int x = p.runBase[n];
            for (int o = t0; o < t1; o++) {
                int s = 0;
                for (int k = 0; k < depth; k++) s += p.data[x + k] * codes[o * depth + k];
                y[yOff + n * rows + o] = s;
            }
        }
    }
}
