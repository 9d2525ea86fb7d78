package dev.apprentice.benchmarks;

import dev.apprentice.engine.kernel.Sgemm;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.benchmarks.lowbit.LowBitMatrix;
import dev.apprentice.quant.WeightEncoding;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Low-bit GEMM Y[batch][rows] = X[batch][depth] · Wᵀ (rows = depth = 4096, a layer's weights
 * times a batch of 8-bit activation rows), 2 threads: the integer kernels of {@link LowBitMatrix}
 * beside our fp32 {@link Sgemm} (weights packed once, as a layer would) and OpenBLAS sgemm.
 *
 * <p>One op = one product: batch·rows·depth multiply-adds, 2·batch·rows·depth operations
 * (batch 64: 2.1 G); benchmarks/report.py prints GOP/s and each method's speed relative to oursFp32.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class LowBitGemmBenchmark {
    @Param({"16", "64", "256"})
    public int batch;
    @Param("4096")
    public int rows;
    @Param("4096")
    public int depth;

    private LowBitMatrix ternary, int4, int8;
    private byte[] codes;
    private int[] out;
    private float[] weights, x, y;
    private Sgemm.PackedA packedWeights;
    private BLAS openblas;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        Random rng = new Random(7);
        ternary = randomMatrix(rng, WeightEncoding.TERNARY, rows, depth, null);
        int4 = randomMatrix(rng, WeightEncoding.INT4, rows, depth, null);
        weights = new float[rows * depth];
        int8 = randomMatrix(rng, WeightEncoding.INT8, rows, depth, weights);
        codes = randomActivations(rng, batch * depth);
        x = new float[batch * depth];
        for (int i = 0; i < x.length; i++) x[i] = (codes[i] & 0xff) / 255f;
        packedWeights = Sgemm.pack(false, rows, depth, weights, 0, depth);
        out = new int[batch * rows];
        y = new float[batch * rows];
        openblas = NativeBLAS.getInstance();
    }

    /** Random codes of the encoding, packed; their float values go to asFloats when it is given. */
    static LowBitMatrix randomMatrix(Random rng, WeightEncoding e, int rows, int depth, float[] asFloats) {
        int[] q = new int[rows * depth];
        for (int i = 0; i < q.length; i++) {
            q[i] = rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
            if (asFloats != null) asFloats[i] = q[i];
        }
        return LowBitMatrix.pack(e, q, rows, depth);
    }

    static byte[] randomActivations(Random rng, int count) {
        byte[] v = new byte[count];
        rng.nextBytes(v);
        return v;
    }

    @Benchmark
    public int[] ternary() {
        ternary.multiply(codes, 0, batch, out, 0);
        return out;
    }

    @Benchmark
    public int[] int4() {
        int4.multiply(codes, 0, batch, out, 0);
        return out;
    }

    @Benchmark
    public int[] int8() {
        int8.multiply(codes, 0, batch, out, 0);
        return out;
    }

    /** Yᵀ (rows × batch) = W · Xᵀ with W packed once. */
    @Benchmark
    public float[] oursFp32() {
        Sgemm.sgemm(packedWeights, true, batch, x, 0, depth, 0f, y, 0, batch);
        return y;
    }

    /** Column-major Yᵀ (rows × batch) = (Wᵀ)ᵀ · Xᵀ. */
    @Benchmark
    public float[] openblas() {
        openblas.sgemm("T", "N", rows, batch, depth, 1f, weights, depth, x, depth, 0f, y, rows);
        return y;
    }
}
