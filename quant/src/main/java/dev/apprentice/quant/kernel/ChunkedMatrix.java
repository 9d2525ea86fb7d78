package dev.apprentice.quant.kernel;

import dev.apprentice.engine.parallel.Parallel;

/**
 * The driver shared by the low-bit kernels: activation rows are first prepared (widened, or
 * turned into lookup tables) a chunk at a time, then a kernel sweeps tiles of output channels
 * over the chunk. A small batch (a GEMV, or up to {@link #CHUNK} rows) is prepared once and its
 * output-channel tiles are split over the pool; a large batch is split by chunks, each task
 * preparing its own, so prepared data stays in the task's L2.
 */
abstract sealed class ChunkedMatrix implements LowBitMatrix permits TernaryLutMatrix, Int4Matrix, Int8Matrix {
    /** Activation rows prepared at a time. */
    static final int CHUNK = 64;
    /** Multiply-adds below which a task is not worth forking. */
    private static final long MIN_TASK_WORK = 1L << 17;

    final int rows, depth;

    ChunkedMatrix(int rows, int depth) {
        this.rows = rows;
        this.depth = depth;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int depth() {
        return depth;
    }

    /** Tiles of output channels the kernel computes at a time, and the channels per tile. */
    abstract int tiles();

    abstract int tileRows();

    /** Shorts one prepared activation row takes. */
    abstract int preparedLength();

    /** Prepares one activation row x[xOff, xOff + depth) into dst[dOff, dOff + preparedLength()); returns its correction term. */
    abstract int prepare(byte[] x, int xOff, short[] dst, int dOff);

    /**
     * y[yOff + n·rows + o] for the nCount prepared rows and the output channels of tiles
     * [t0, t1): the kernel proper.
     */
    abstract void compute(short[] prepared, int[] corrections, int nCount, int t0, int t1, int[] y, int yOff);

    @Override
    public final void multiply(byte[] x, int xOff, int batch, int[] y, int yOff) {
        if (batch < 0) throw new IllegalArgumentException("negative batch " + batch);
        if (xOff < 0 || (long) xOff + (long) batch * depth > x.length)
            throw new IllegalArgumentException("activations: " + x.length + " bytes, need " + batch + " rows of " + depth + " from " + xOff);
        if (yOff < 0 || (long) yOff + (long) batch * rows > y.length)
            throw new IllegalArgumentException("output: " + y.length + " ints, need " + batch + " rows of " + rows + " from " + yOff);
        if (batch == 0) return;
        if (batch <= CHUNK) {
            KernelScratch scratch = KernelScratch.get();
            short[] prepared = scratch.activations(batch * preparedLength());
            int[] corrections = scratch.corrections(batch);
            for (int n = 0; n < batch; n++) corrections[n] = prepare(x, xOff + n * depth, prepared, n * preparedLength());
            long tileWork = (long) tileRows() * depth * batch;
            int minTiles = (int) Math.max(1, MIN_TASK_WORK / tileWork);
            Parallel.forRange(tiles(), minTiles, (t0, t1) -> compute(prepared, corrections, batch, t0, t1, y, yOff));
        } else {
            int chunks = (batch + CHUNK - 1) / CHUNK;
            Parallel.forRange(chunks, 1, (c0, c1) -> {
                KernelScratch scratch = KernelScratch.get();
                short[] prepared = scratch.activations(CHUNK * preparedLength());
                int[] corrections = scratch.corrections(CHUNK);
                for (int c = c0; c < c1; c++) {
                    int n0 = c * CHUNK, count = Math.min(CHUNK, batch - n0);
                    for (int n = 0; n < count; n++)
                        corrections[n] = prepare(x, xOff + (n0 + n) * depth, prepared, n * preparedLength());
                    compute(prepared, corrections, count, 0, tiles(), y, yOff + n0 * rows);
                }
            });
        }
    }
}
