package dev.apprentice.benchmarks.lowbit;

/**
 * One chunk of activation rows as a kernel reads them: widened codes or lookup tables in
 * {@link #data}, one correction term per row, and where each row's data starts. A row is
 * {@link #runs} runs of {@link #runLength} prepared elements, run r of row n at
 * data[runBase[n·runs + r]]: a plain row is one run; a convolution row is one run per kernel tap,
 * and rows under the same input pixel share its run. Per-thread and reused (see {@link KernelScratch}).
 */
final class PreparedRows {
    short[] data = new short[0];
    int[] corrections = new int[0];
    int[] runBase = new int[0];
    int runs, runLength;

    short[] data(int size) {
        return data.length >= size ? data : (data = new short[size]);
    }

    int[] corrections(int size) {
        return corrections.length >= size ? corrections : (corrections = new int[size]);
    }

    int[] runBase(int size) {
        return runBase.length >= size ? runBase : (runBase = new int[size]);
    }

    /** Layout of count plain rows of length elements each, back to back. */
    void plain(int count, int length) {
        runs = 1;
        runLength = length;
        int[] base = runBase(count);
        for (int n = 0; n < count; n++) base[n] = n * length;
    }
}
