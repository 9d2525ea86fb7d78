package dev.apprentice.benchmarks.lowbit;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LowBitMatrixTest {
    private static final WeightEncoding[] PACKED = {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8};

    /** Y[n][o] = Σ_k x·q in long, so a kernel overflow cannot hide in a matching overflow. */
    static long[] naive(int[] codes, int rows, int depth, byte[] x, int xOff, int batch) {
        long[] y = new long[batch * rows];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < rows; o++) {
                long s = 0;
                for (int k = 0; k < depth; k++) s += (long) (x[xOff + n * depth + k] & 0xff) * codes[o * depth + k];
                y[n * rows + o] = s;
            }
        return y;
    }

    static int[] randomCodes(Random rng, WeightEncoding e, int count) {
        int[] q = new int[count];
        for (int i = 0; i < count; i++) q[i] = rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
        return q;
    }

    static byte[] randomActivations(Random rng, int bits, int count) {
        byte[] x = new byte[count];
        for (int i = 0; i < count; i++) x[i] = (byte) rng.nextInt(1 << bits);
        return x;
    }

    private static void assertProduct(WeightEncoding e, int[] codes, int rows, int depth, byte[] x, int batch, String what) {
        LowBitMatrix m = LowBitMatrix.pack(e, codes, rows, depth);
        int xOff = 3, yOff = 5;
        byte[] shifted = new byte[xOff + x.length];
        System.arraycopy(x, 0, shifted, xOff, x.length);
        int[] y = new int[yOff + batch * rows + 4];
        Arrays.fill(y, -99);
        m.multiply(shifted, xOff, batch, y, yOff);
        long[] expected = naive(codes, rows, depth, shifted, xOff, batch);
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], y[yOff + i], what + " at n=" + i / rows + " o=" + i % rows);
        for (int i = 0; i < yOff; i++) assertEquals(-99, y[i], what + ": wrote before its output");
        for (int i = yOff + batch * rows; i < y.length; i++) assertEquals(-99, y[i], what + ": wrote past its output");
    }

    @Test
    void matchesNaiveIntegerLoopsOnRandomShapes() {
        Random rng = new Random(5);
        int[] depths = {1, 2, 3, 5, 7, 31, 63, 64, 65, 96, 127, 128, 129, 191, 193, 255, 257, 577, 1031};
        int[] rowCounts = {1, 2, 3, 17, 31, 32, 33, 63, 64, 65, 97, 131};
        int[] batches = {1, 2, 3, 5, 16, 17, 64, 65, 131};
        for (WeightEncoding e : PACKED) {
            for (int bits : new int[] {2, 4, 8}) {
                for (int trial = 0; trial < 12; trial++) {
                    int depth = depths[rng.nextInt(depths.length)], rows = rowCounts[rng.nextInt(rowCounts.length)];
                    int batch = batches[rng.nextInt(batches.length)];
                    int[] codes = randomCodes(rng, e, rows * depth);
                    byte[] x = randomActivations(rng, bits, batch * depth);
                    assertProduct(e, codes, rows, depth, x, batch, e + " a" + bits + " " + batch + "x" + depth + " * " + rows + "x" + depth);
                }
            }
        }
    }

    /** Each encoding's vector kernel (whatever this JVM's width chose) against the scalar twin, which runs where no vector code is compiled. */
    @Test
    void vectorKernelsMatchTheScalarTwin() {
        Random rng = new Random(7);
        for (WeightEncoding e : PACKED)
            for (int trial = 0; trial < 10; trial++) {
                int depth = 1 + rng.nextInt(700), rows = 1 + rng.nextInt(90), batch = 1 + rng.nextInt(70);
                int[] codes = randomCodes(rng, e, rows * depth);
                byte[] x = randomActivations(rng, 8, batch * depth);
                int[] y = new int[batch * rows], twin = new int[batch * rows];
                LowBitMatrix.pack(e, codes, rows, depth).multiply(x, 0, batch, y, 0);
                new ScalarMatrix(e, codes, rows, depth).multiply(x, 0, batch, twin, 0);
                assertArrayEquals(twin, y, e + " " + batch + "x" + depth + " * " + rows);
            }
    }

    @Test
    void everyDepthUpToTwoChunksAndOddBatches() {
        Random rng = new Random(9);
        for (WeightEncoding e : PACKED) {
            for (int depth = 1; depth <= 130; depth++) {
                int rows = 1 + rng.nextInt(70), batch = 1 + rng.nextInt(4);
                assertProduct(e, randomCodes(rng, e, rows * depth), rows, depth, randomActivations(rng, 8, batch * depth), batch,
                        e + " depth " + depth);
            }
        }
    }

    /** All codes at ±max with all activations 255, K = 2^16: the largest sums an int32 must hold. */
    @Test
    void extremeCodesAtMaximumDepthDoNotOverflow() {
        int depth = LowBitMatrix.MAX_DEPTH, rows = 3, batch = 2;
        byte[] x = new byte[batch * depth];
        Arrays.fill(x, (byte) 255);
        for (WeightEncoding e : PACKED) {
            int[] codes = new int[rows * depth];
            Arrays.fill(codes, 0, depth, e.maxCode);
            Arrays.fill(codes, depth, 2 * depth, -e.maxCode);
            for (int k = 0; k < depth; k++) codes[2 * depth + k] = k % 2 == 0 ? e.maxCode : -e.maxCode;
            int[] y = new int[batch * rows];
            LowBitMatrix.pack(e, codes, rows, depth).multiply(x, 0, batch, y, 0);
            long full = (long) e.maxCode * 255 * depth;
            for (int n = 0; n < batch; n++) {
                assertEquals(full, y[n * rows], e + " all +max");
                assertEquals(-full, y[n * rows + 1], e + " all -max");
                assertEquals(0, y[n * rows + 2], e + " alternating ±max");
            }
        }
        assertEquals(2_122_383_360L, 127L * 255 * depth, "the int8 worst case is the one just below 2^31");
    }

    /** Long runs of one sign stress the 16-bit partial sums between flushes. */
    @Test
    void oneSignedRunsAcrossFlushBoundaries() {
        Random rng = new Random(2);
        for (WeightEncoding e : PACKED) {
            int rows = 70, depth = 3001, batch = 3;
            int[] codes = new int[rows * depth];
            for (int o = 0; o < rows; o++)
                for (int k = 0; k < depth; k++) codes[o * depth + k] = (o % 2 == 0 ? 1 : -1) * (rng.nextInt(4) == 0 ? e.maxCode - 1 : e.maxCode);
            byte[] x = randomActivations(rng, 8, batch * depth);
            for (int i = 0; i < x.length; i++) if (rng.nextBoolean()) x[i] = (byte) 255;
            assertProduct(e, codes, rows, depth, x, batch, e + " one-signed rows");
        }
    }

    @Test
    void sameResultForAnyThreadCountAndBatchSplit() {
        Random rng = new Random(4);
        int rows = 200, depth = 300, batch = 150;
        int before = Parallel.threads();
        try {
            for (WeightEncoding e : PACKED) {
                int[] codes = randomCodes(rng, e, rows * depth);
                byte[] x = randomActivations(rng, 8, batch * depth);
                LowBitMatrix m = LowBitMatrix.pack(e, codes, rows, depth);
                int[] one = new int[batch * rows], two = new int[batch * rows], rowByRow = new int[batch * rows];
                Parallel.setThreads(1);
                m.multiply(x, 0, batch, one, 0);
                Parallel.setThreads(2);
                m.multiply(x, 0, batch, two, 0);
                for (int n = 0; n < batch; n++) m.multiply(x, n * depth, 1, rowByRow, n * rows);
                assertArrayEquals(one, two, e + ": 1 vs 2 threads");
                assertArrayEquals(one, rowByRow, e + ": batch vs one row at a time");
                long[] expected = naive(codes, rows, depth, x, 0, batch);
                for (int i = 0; i < expected.length; i++) assertEquals(expected[i], one[i], e + " at " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Run-given rows (an implicit im2col) against the same rows gathered by hand: starts drawn
     * from a small pool, so runs repeat within a chunk as a convolution's input pixels do, some
     * in the padding (−1), run strides that are and are not multiples of 3.
     */
    @Test
    void runGivenRowsMatchGatheredRows() {
        Random rng = new Random(12);
        for (WeightEncoding e : PACKED) {
            for (int trial = 0; trial < 40; trial++) {
                int runsPerRow = new int[] {1, 4, 9}[rng.nextInt(3)], runLength = 1 + rng.nextInt(40);
                int stride = rng.nextBoolean() ? LowBitMatrix.runStride(e, runLength) : runLength + rng.nextInt(3);
                int depth = runsPerRow * stride, rows = 1 + rng.nextInt(90), batch = new int[] {1, 2, 3, 64, 65, 130}[rng.nextInt(6)];
                byte[] x = randomActivations(rng, 8, 50 * runLength + rng.nextInt(7));
                int[] pool = new int[1 + rng.nextInt(30)];
                for (int i = 0; i < pool.length; i++) pool[i] = rng.nextInt(5) == 0 ? -1 : rng.nextInt(x.length - runLength + 1);
                int[] starts = new int[batch * runsPerRow];
                for (int i = 0; i < starts.length; i++) starts[i] = pool[rng.nextInt(pool.length)];
                byte[] gathered = new byte[batch * depth];
                for (int i = 0; i < starts.length; i++)
                    if (starts[i] >= 0) System.arraycopy(x, starts[i], gathered, i * stride, runLength);
                int[] codes = randomCodes(rng, e, rows * depth);
                LowBitMatrix m = LowBitMatrix.pack(e, codes, rows, depth);
                int[] y = new int[batch * rows + 3];
                Arrays.fill(y, -7);
                m.multiplyRuns(x, starts, runsPerRow, runLength, batch, y, 3);
                long[] expected = naive(codes, rows, depth, gathered, 0, batch);
                String what = e + " " + batch + " rows of " + runsPerRow + " runs of " + runLength + " (stride " + stride + ") * " + rows;
                for (int i = 0; i < 3; i++) assertEquals(-7, y[i], what + ": wrote before its output");
                for (int i = 0; i < expected.length; i++) assertEquals(expected[i], y[3 + i], what + " at " + i);
            }
        }
    }

    @Test
    void rejectsRunsThatDoNotFit() {
        LowBitMatrix m = LowBitMatrix.pack(WeightEncoding.TERNARY, new int[12], 2, 6);
        byte[] x = new byte[10];
        assertThrows(IllegalArgumentException.class, () -> m.multiplyRuns(x, new int[] {0, 0}, 4, 1, 1, new int[2], 0));
        assertThrows(IllegalArgumentException.class, () -> m.multiplyRuns(x, new int[] {0, 0}, 2, 4, 1, new int[2], 0));
        assertThrows(IllegalArgumentException.class, () -> m.multiplyRuns(x, new int[] {0, 8}, 2, 3, 1, new int[2], 0));
        assertThrows(IllegalArgumentException.class, () -> m.multiplyRuns(x, new int[] {0}, 2, 3, 1, new int[2], 0));
        int[] y = new int[2];
        m.multiplyRuns(x, new int[] {-1, 7}, 2, 3, 1, y, 0);
        assertArrayEquals(new int[2], y);
    }

    @Test
    void fileRowsAreUnpackedValidatedAndRepacked() {
        Random rng = new Random(8);
        for (WeightEncoding e : PACKED) {
            int rows = 9, depth = 37, batch = 4;
            int[] codes = randomCodes(rng, e, rows * depth);
            byte[] file = e.pack(codes, rows, depth);
            assertArrayEquals(codes, LowBitMatrix.unpackFileRows(e, file, rows, depth));
            byte[] x = randomActivations(rng, 8, batch * depth);
            int[] fromFile = new int[batch * rows], fromCodes = new int[batch * rows];
            LowBitMatrix.fromFileRows(e, file, rows, depth).multiply(x, 0, batch, fromFile, 0);
            LowBitMatrix.pack(e, codes, rows, depth).multiply(x, 0, batch, fromCodes, 0);
            assertArrayEquals(fromCodes, fromFile);
            byte[] damaged = file.clone();
            damaged[damaged.length - 1] = (byte) 0xff;   // the last row's padding bits (37 codes do not fill the last byte)
            if (e != WeightEncoding.INT8) assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.fromFileRows(e, damaged, rows, depth));
            assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.fromFileRows(e, Arrays.copyOf(file, file.length - 1), rows, depth));
        }
    }

    @Test
    void rejectsInvalidCodesAndShapes() {
        assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.pack(WeightEncoding.TERNARY, new int[] {0, 2}, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.pack(WeightEncoding.INT4, new int[] {-8}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.pack(WeightEncoding.INT8, new int[] {-128}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.pack(WeightEncoding.F32, new int[] {0}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.pack(WeightEncoding.INT8, new int[3], 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LowBitMatrix.pack(WeightEncoding.INT8, new int[LowBitMatrix.MAX_DEPTH + 1], 1, LowBitMatrix.MAX_DEPTH + 1));
        LowBitMatrix m = LowBitMatrix.pack(WeightEncoding.INT4, new int[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> m.multiply(new byte[5], 0, 2, new int[4], 0));
        assertThrows(IllegalArgumentException.class, () -> m.multiply(new byte[6], 0, 2, new int[3], 0));
    }
}
