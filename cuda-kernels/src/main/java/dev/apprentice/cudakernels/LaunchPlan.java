package dev.apprentice.cudakernels;

import dev.apprentice.quant.WeightEncoding;

/**
 * Which kernel runs a shape, and on what grid. The tile constants mirror the CUDA headers
 * (ak_gemm_tiles.h, ak_gemv_lanes.h, ak_float.h); HostBuildTest runs the headers' code on the
 * grids chosen here and fails if any output is left unwritten.
 *
 * @param rowsPerBlock dense rows per GEMV block (0 for other kernels)
 */
public record LaunchPlan(KernelId kernel, int gridX, int gridY, int blockX, int sharedBytes, int rowsPerBlock) {

    /** Tiled implicit GEMM: 64 pixels × 64 channels per 256-thread block. */
    public static final int GEMM_PIXELS = 64, GEMM_CHANNELS = 64, GEMM_THREADS = 256;
    /** GEMV: one warp per output channel, 8 warps per block. */
    public static final int GEMV_CHANNELS = 8, GEMV_THREADS = 256;
    /**
     * Largest batch of dense rows sent to the GEMV kernel: up to here reading the weights once
     * is the cost, beyond it the tiled kernel's reuse of each weight across 64 rows wins.
     * (A first guess, to be tuned on a GPU with the benchmark.)
     */
    public static final int GEMV_MAX_ROWS = 16;
    /** F32 direct convolution and pooling: 256 threads per block. */
    public static final int DIRECT_THREADS = 256, POOL_THREADS = 256;
    /** fp32 GEMM: 64 × 64 outputs per 256-thread block. */
    public static final int SGEMM_TILE = 64, SGEMM_THREADS = 256;
    /** Shared memory a block may use without opting in to more (the pooled vector of poolLinear). */
    public static final int MAX_SHARED_BYTES = 48 * 1024;
    /** Largest gridDim.y (and z) CUDA allows. */
    public static final int MAX_GRID_Y = 65535;

    /** The plan for a convolution (or linear layer) of this shape and weight encoding. */
    public static LaunchPlan conv(ConvShape s, WeightEncoding encoding) {
        if (encoding == WeightEncoding.F32) {
            return new LaunchPlan(KernelId.CONV_F32, blocks(s.outputSize(), DIRECT_THREADS), 1, DIRECT_THREADS, 0, 0);
        }
        if (s.dense() && s.pixels() <= GEMV_MAX_ROWS) return gemv(s, encoding, rowsFor(s.pixels()));
        return gemm(s, encoding);
    }

    /** The tiled kernel: pixel tiles on x (up to 2^31 - 1 blocks), channel tiles on y. */
    public static LaunchPlan gemm(ConvShape s, WeightEncoding encoding) {
        int gridY = blocks(s.outChannels(), GEMM_CHANNELS);
        if (gridY > MAX_GRID_Y)
            throw new IllegalArgumentException(s.outChannels() + " output channels exceed the tiled kernel's grid ("
                    + (long) MAX_GRID_Y * GEMM_CHANNELS + " at most)");
        return new LaunchPlan(KernelId.gemm(encoding), blocks(s.pixels(), GEMM_PIXELS), gridY, GEMM_THREADS, 0, 0);
    }

    /** The GEMV kernel with `rows` dense rows per block: channel groups on x, row groups on y. */
    public static LaunchPlan gemv(ConvShape s, WeightEncoding encoding, int rows) {
        if (!s.dense())
            throw new IllegalArgumentException("the GEMV kernel needs dense rows (a linear layer with depth % 4 == 0), got " + s);
        int gridY = blocks(s.pixels(), rows);
        if (gridY > MAX_GRID_Y) throw new IllegalArgumentException(s.pixels() + " rows exceed the GEMV grid at " + rows + " rows per block");
        return new LaunchPlan(KernelId.gemv(encoding, rows), blocks(s.outChannels(), GEMV_CHANNELS), gridY, GEMV_THREADS, 0, rows);
    }

    /** C (M × N) = A (M × K) · W (N × K)ᵀ with per-column scale and bias. */
    public static LaunchPlan sgemm(int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) throw new IllegalArgumentException("empty GEMM " + m + "×" + k + "×" + n);
        int gridY = blocks(n, SGEMM_TILE);
        if (gridY > MAX_GRID_Y) throw new IllegalArgumentException(n + " columns exceed the fp32 GEMM's grid");
        return new LaunchPlan(KernelId.SGEMM, blocks(m, SGEMM_TILE), gridY, SGEMM_THREADS, 0, 0);
    }

    /** One block per image; the pooled vector (channels floats) lives in shared memory. */
    public static LaunchPlan poolLinear(int batch, int channels) {
        long shared = 4L * channels;
        if (shared > MAX_SHARED_BYTES)
            throw new IllegalArgumentException("poolLinear pools at most " + MAX_SHARED_BYTES / 4 + " channels, got " + channels);
        return new LaunchPlan(KernelId.POOL_LINEAR, batch, 1, POOL_THREADS, (int) shared, 0);
    }

    /** The smallest GEMV row count that holds all rows (rows <= GEMV_MAX_ROWS). */
    static int rowsFor(int rows) {
        for (int r : KernelId.GEMV_ROWS) if (r >= rows) return r;
        throw new IllegalArgumentException("no GEMV kernel holds " + rows + " rows");
    }

    private static int blocks(int items, int perBlock) {
        return (int) (((long) items + perBlock - 1) / perBlock);
    }
}
