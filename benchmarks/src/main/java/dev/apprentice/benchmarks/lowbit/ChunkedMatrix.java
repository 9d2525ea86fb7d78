package dev.apprentice.benchmarks.lowbit;

import dev.apprentice.engine.parallel.Parallel;

/**
 * The driver shared by the low-bit kernels: activation rows are first prepared (widened, or
 * turned into lookup tables) a chunk at a time into {@link PreparedRows}, then a kernel sweeps
 * tiles of output channels over the chunk. A small batch (a GEMV, or up to {@link #CHUNK} rows)
 * is prepared once and its output-channel tiles are split over the pool; a large batch is split
 * by chunks, each task preparing its own, so prepared data stays in the task's L2. There are
 * more tasks than threads ({@link #TASKS_PER_THREAD}), so a thread that the OS preempts (these
 * machines share their two cores with other jobs) leaves queued work for the other to steal.
 */
abstract sealed class ChunkedMatrix implements LowBitMatrix permits TernaryLutMatrix, Int4Matrix, Int8Matrix, ScalarMatrix {
    /** Activation rows prepared at a time. */
    static final int CHUNK = 64;
    /** Multiply-adds below which a task is not worth forking. */
    private static final long MIN_TASK_WORK = 1L << 17;
    static final int TASKS_PER_THREAD = 4;

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

    /** Shorts one prepared plain activation row takes. */
    abstract int preparedLength();

    /** Prepares one activation row x[xOff, xOff + depth) into dst[dOff, dOff + preparedLength()); returns its correction term. */
    abstract int prepare(byte[] x, int xOff, short[] dst, int dOff);

    /** y[yOff + n·rows + o] for the nCount prepared rows and the output channels of tiles [t0, t1): the kernel proper. */
    abstract void compute(PreparedRows rows, int nCount, int t0, int t1, int[] y, int yOff);

    /** Prepares count plain rows starting at x[xOff], depth apart. */
    final void preparePlain(PreparedRows p, byte[] x, int xOff, int count) {
        int length = preparedLength();
        short[] data = p.data(count * length);
        int[] corrections = p.corrections(count);
        for (int n = 0; n < count; n++) corrections[n] = prepare(x, xOff + n * depth, data, n * length);
        p.plain(count, length);
    }

    /**
     * Prepares rows [n0, n0 + count) of a run-given batch (see {@link #multiplyRuns}). This
     * default gathers the rows (an im2col) and prepares them plainly; a kernel whose preparation
     * is costly shares it among rows instead.
     */
    void prepareRuns(PreparedRows p, byte[] x, int[] runStarts, int runsPerRow, int runLength, int n0, int count) {
        byte[] gathered = KernelScratch.get().gathered(count * depth);
        int stride = depth / runsPerRow;
        for (int n = 0; n < count; n++) {
            for (int r = 0; r < runsPerRow; r++) {
                int start = runStarts[(n0 + n) * runsPerRow + r], at = n * depth + r * stride;
                if (start < 0) java.util.Arrays.fill(gathered, at, at + stride, (byte) 0);
                else {
                    System.arraycopy(x, start, gathered, at, runLength);
                    java.util.Arrays.fill(gathered, at + runLength, at + stride, (byte) 0);
                }
            }
        }
        preparePlain(p, gathered, 0, count);
    }

    @Override
    public final void multiply(byte[] x, int xOff, int batch, int[] y, int yOff) {
        if (batch < 0) throw new IllegalArgumentException("negative batch " + batch);
        if (xOff < 0 || (long) xOff + (long) batch * depth > x.length)
            throw new IllegalArgumentException("activations: " + x.length + " bytes, need " + batch + " rows of " + depth + " from " + xOff);
        checkOutput(batch, y, yOff);
        run(batch, y, yOff, (p, n0, count) -> preparePlain(p, x, xOff + n0 * depth, count));
    }

    @Override
    public final void multiplyRuns(byte[] x, int[] runStarts, int runsPerRow, int runLength, int batch, int[] y, int yOff) {
        if (batch < 0) throw new IllegalArgumentException("negative batch " + batch);
        if (runsPerRow < 1 || depth % runsPerRow != 0 || runLength < 1 || runLength > depth / runsPerRow)
            throw new IllegalArgumentException("depth " + depth + " cannot hold " + runsPerRow + " runs of " + runLength + " codes");
        if (runStarts.length < (long) batch * runsPerRow)
            throw new IllegalArgumentException(runStarts.length + " run starts for " + batch + " rows of " + runsPerRow + " runs");
        for (int i = 0; i < batch * runsPerRow; i++)
            if (runStarts[i] >= 0 && (long) runStarts[i] + runLength > x.length)
                throw new IllegalArgumentException("run " + i + " at " + runStarts[i] + " ends past the " + x.length + " activations");
        checkOutput(batch, y, yOff);
        run(batch, y, yOff, (p, n0, count) -> prepareRuns(p, x, runStarts, runsPerRow, runLength, n0, count));
    }

    private void checkOutput(int batch, int[] y, int yOff) {
        if (yOff < 0 || (long) yOff + (long) batch * rows > y.length)
            throw new IllegalArgumentException("output: " + y.length + " ints, need " + batch + " rows of " + rows + " from " + yOff);
    }

    /** Prepares rows [n0, n0 + count) into p. */
    @FunctionalInterface
    private interface ChunkSource {
        void prepare(PreparedRows p, int n0, int count);
    }

    private void run(int batch, int[] y, int yOff, ChunkSource source) {
        if (batch == 0) return;
        if (batch <= CHUNK) {
            PreparedRows p = KernelScratch.get().prepared();
            source.prepare(p, 0, batch);
            long tileWork = (long) tileRows() * depth * batch;
            int tiles = tiles(), minTiles = (int) Math.max(1, MIN_TASK_WORK / tileWork);
            int tasks = Math.max(1, Math.min(TASKS_PER_THREAD * Parallel.threads(), tiles / minTiles));
            Parallel.forEach(tasks, i -> compute(p, batch, (int) ((long) tiles * i / tasks), (int) ((long) tiles * (i + 1) / tasks), y, yOff));
        } else {
            int chunks = (batch + CHUNK - 1) / CHUNK;
            Parallel.forEach(chunks, c -> {
                PreparedRows p = KernelScratch.get().prepared();
                int n0 = c * CHUNK, count = Math.min(CHUNK, batch - n0);
                source.prepare(p, n0, count);
                compute(p, count, 0, tiles(), y, yOff + n0 * rows);
            });
        }
    }
}
