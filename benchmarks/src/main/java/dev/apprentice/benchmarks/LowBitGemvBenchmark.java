package dev.apprentice.benchmarks;

import dev.apprentice.engine.kernel.Sgemv;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.benchmarks.lowbit.LowBitMatrix;
import dev.apprentice.quant.WeightEncoding;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Low-bit GEMV y = W·x, W rows × depth (4096 × 4096, one activation row), 2 threads: the integer
 * kernels of {@link LowBitMatrix} on 8-bit activation codes beside our fp32 {@link Sgemv} and
 * OpenBLAS sgemv on the same shape (weights equal to the codes, as floats).
 *
 * <p>One op = one product: rows·depth = 16.8 M weights, 2·rows·depth = 33.6 M integer (or float)
 * operations; benchmarks/report.py prints GOP/s and each method's speed relative to oursFp32.
 * Bytes read per op: fp32 64 MiB, int8 16 MiB, int4 8 MiB, ternary 5.3 MiB (table indices,
 * 2.67 bits per weight). GEMV is bound by memory bandwidth, so the ratios follow the bytes
 * until the integer kernels become compute-bound.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class LowBitGemvBenchmark {
    @Param("4096")
    public int rows;
    @Param("4096")
    public int depth;

    private LowBitMatrix ternary, int4, int8;
    private byte[] codes;
    private int[] out;
    private float[] weights, x, y;
    private BLAS openblas;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        Random rng = new Random(7);
        ternary = LowBitGemmBenchmark.randomMatrix(rng, WeightEncoding.TERNARY, rows, depth, null);
        int4 = LowBitGemmBenchmark.randomMatrix(rng, WeightEncoding.INT4, rows, depth, null);
        weights = new float[rows * depth];
        int8 = LowBitGemmBenchmark.randomMatrix(rng, WeightEncoding.INT8, rows, depth, weights);
        codes = LowBitGemmBenchmark.randomActivations(rng, depth);
        x = new float[depth];
        for (int k = 0; k < depth; k++) x[k] = (codes[k] & 0xff) / 255f;
        out = new int[rows];
        y = new float[rows];
        openblas = NativeBLAS.getInstance();
    }

    @Benchmark
    public int[] ternary() {
        ternary.multiply(codes, 0, 1, out, 0);
        return out;
    }

    @Benchmark
    public int[] int4() {
        int4.multiply(codes, 0, 1, out, 0);
        return out;
    }

    @Benchmark
    public int[] int8() {
        int8.multiply(codes, 0, 1, out, 0);
        return out;
    }

    @Benchmark
    public float[] oursFp32() {
        Sgemv.sgemv(rows, depth, weights, 0, depth, x, 0, y, 0);
        return y;
    }

    /** Row-major W is column-major Wᵀ (depth × rows): y = (Wᵀ)ᵀ·x. */
    @Benchmark
    public float[] openblas() {
        openblas.sgemv("T", depth, rows, 1f, weights, depth, x, 1, 0f, y, 1);
        return y;
    }
}
