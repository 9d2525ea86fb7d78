package dev.apprentice.benchmarks.lowbit;

import dev.apprentice.engine.vector.VectorWidth;
import dev.apprentice.quant.WeightEncoding;

/**
 * A matrix of low-bit weight codes q[o][k] (rows o = output channels, depth k) re-packed once,
 * at load time, into the layout its kernel reads, and the exact integer product with rows of
 * activation codes: Y[n][o] = Σ_k X[n][k] · q[o][k], accumulated in int32.
 *
 * <p>Activations are unsigned bytes (codes 0 .. 2^a − 1 for a ≤ 8; any value 0..255 is exact).
 * No accumulation can overflow for depths up to 2^16 (the worst case, 127 · 255 · 2^16, is
 * below 2^31). Results are integers, so they do not depend on the thread count or on the kernel.
 * Weights are never expanded to float: each encoding keeps a packed layout (see the classes).
 */
public sealed interface LowBitMatrix permits ChunkedMatrix {

    /** Largest depth (K) the int32 accumulation is proven exact for at 8-bit activations and int8 weights. */
    int MAX_DEPTH = 1 << 16;

    WeightEncoding encoding();

    /** Output channels. */
    int rows();

    /** Codes per output channel (K). */
    int depth();

    /**
     * y[yOff + n·rows + o] = Σ_k (x[xOff + n·depth + k] & 0xff) · q[o][k] for n < batch, o < rows:
     * x is row-major [batch][depth] with K contiguous. Large products run on the shared pool.
     */
    void multiply(byte[] x, int xOff, int batch, int[] y, int yOff);

    /**
     * The same product over activation rows given as runs, an implicit im2col: row n is, for
     * r < runsPerRow, the codes x[runStarts[n·runsPerRow + r] + i] for i < runLength, each run
     * zero-padded to depth / runsPerRow codes; a start < 0 stands for a run of zeros (a kernel
     * tap in a convolution's padding). Kernels whose activation preparation is costly (the
     * ternary tables) prepare a run once for all the rows in a chunk that use it, as the input
     * pixels of a convolution are used by up to kh·kw output pixels.
     */
    void multiplyRuns(byte[] x, int[] runStarts, int runsPerRow, int runLength, int batch, int[] y, int yOff);

    /**
     * The run length (codes per kernel tap, depth / runsPerRow) this encoding's kernel prefers for
     * runs of the given number of codes: ternary tables cover three codes, so its runs are padded
     * to a multiple of 3 (weights zero there) to let runs be shared; the others take runs as they are.
     */
    static int runStride(WeightEncoding encoding, int runLength) {
        return encoding == WeightEncoding.TERNARY ? (runLength + 2) / 3 * 3 : runLength;
    }

    /** Packs codes (rows × depth, row-major, each within ±encoding.maxCode) for the encoding's kernel. */
    static LowBitMatrix pack(WeightEncoding encoding, int[] codes, int rows, int depth) {
        if (rows < 1 || depth < 1 || depth > MAX_DEPTH)
            throw new IllegalArgumentException("cannot pack a " + rows + " x " + depth + " weight matrix (depth at most " + MAX_DEPTH + ")");
        if (codes.length != (long) rows * depth)
            throw new IllegalArgumentException(codes.length + " codes for a " + rows + " x " + depth + " matrix");
        for (int i = 0; i < codes.length; i++)
            if (Math.abs(codes[i]) > encoding.maxCode || encoding == WeightEncoding.F32)
                throw new IllegalArgumentException("code " + codes[i] + " at " + i + " is not a valid " + encoding + " code");
        if (!VectorWidth.VECTOR) return new ScalarMatrix(encoding, codes, rows, depth);
        return switch (encoding) {
            // the tables need 32 short lanes (27 states); narrower machines run ternary codes through the int4 kernel
            case TERNARY -> TernaryLutMatrix.APPLIES ? new TernaryLutMatrix(codes, rows, depth) : new Int4Matrix(encoding, codes, rows, depth);
            case INT4 -> new Int4Matrix(encoding, codes, rows, depth);
            case INT8 -> new Int8Matrix(codes, rows, depth);
            case F32 -> throw new IllegalArgumentException("F32 weights have no integer kernel");
        };
    }

    /**
     * Packs the rows of a packed file (rows × encoding.rowBytes(depth) bytes, see
     * {@link WeightEncoding}); an invalid code or non-zero padding throws IllegalArgumentException.
     */
    static LowBitMatrix fromFileRows(WeightEncoding encoding, byte[] fileRows, int rows, int depth) {
        return pack(encoding, unpackFileRows(encoding, fileRows, rows, depth), rows, depth);
    }

    /** The integer codes of a file's packed rows, rows × depth, validated. */
    static int[] unpackFileRows(WeightEncoding encoding, byte[] fileRows, int rows, int depth) {
        if (fileRows.length != (long) rows * encoding.rowBytes(depth))
            throw new IllegalArgumentException(fileRows.length + " bytes for " + rows + " rows of " + depth + " " + encoding + " codes");
        int[] codes = new int[Math.multiplyExact(rows, depth)], row = new int[depth];
        for (int o = 0; o < rows; o++) {
            encoding.unpackRow(fileRows, o, depth, row);
            System.arraycopy(row, 0, codes, o * depth, depth);
        }
        return codes;
    }
}
