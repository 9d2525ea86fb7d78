package dev.apprentice.benchmarks;

import dev.apprentice.engine.kernel.Sgemm;
import dev.apprentice.engine.parallel.Parallel;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * SGEMM C = op(A)·op(B), ours beside OpenBLAS (Debian libopenblas0-pthread through
 * dev.ludovic.netlib, 2 threads via OPENBLAS_NUM_THREADS from benchmarks/run.sh) and EJML
 * (single-threaded: EJML has no multi-threaded float GEMM), in the same run.
 *
 * <p>Scores are GEMM calls per second; GFLOP/s = score × 2·m·n·k / 1e9 (benchmarks/report.py
 * prints that table). Shapes: squares, and the GEMMs a ResNet-20 training step issues on 28×28 input.
 * Its stride-1 3×3 layers run no GEMM (row kernel, lane-wise weight gradient); the down-sampling
 * layers do, per image: the 3×3 stride-2 layers (16→32 to 14×14, 32→64 to 7×7) forward O×P×K and
 * backward-data K×P×O with A transposed (K = Cin·9, P output pixels, im2col columns), the 1×1 stride-2
 * projections the same with K = Cin; and the classifier (batch 128, 64 → 10): forward with B
 * transposed, input gradient, weight gradient with A transposed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class SgemmBenchmark {
    /** "m x n x k", with an optional suffix tA (A transposed) or tB (B transposed). */
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
            "32x196x144", "144x196x32tA", "64x49x288", "288x49x64tA",
            "32x196x16", "16x196x32tA", "64x49x32", "32x49x64tA",
            "128x10x64tB", "128x64x10", "10x64x128tA"})
    public String shape;

    private int m, n, k;
    private boolean transA, transB;
    private float[] a, b, c;
    private FMatrixRMaj ea, eb, ec;
    private BLAS openblas;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        String s = shape;
        transA = s.endsWith("tA");
        transB = s.endsWith("tB");
        if (transA || transB) s = s.substring(0, s.length() - 2);
        String[] p = s.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Random rng = new Random(7);
        a = random(rng, m * k);
        b = random(rng, k * n);
        c = new float[m * n];
        ea = transA ? new FMatrixRMaj(k, m, true, a) : new FMatrixRMaj(m, k, true, a);
        eb = transB ? new FMatrixRMaj(n, k, true, b) : new FMatrixRMaj(k, n, true, b);
        ec = new FMatrixRMaj(m, n);
        openblas = NativeBLAS.getInstance();
    }

    private static float[] random(Random rng, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = rng.nextFloat() - 0.5f;
        return v;
    }

    @Benchmark
    public float[] ours() {
        Sgemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        return c;
    }

    /** Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands. */
    @Benchmark
    public float[] openblas() {
        openblas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, 1f, b, transB ? k : n, a, transA ? m : k, 0f, c, n);
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        if (transA) CommonOps_FDRM.multTransA(ea, eb, ec);
        else if (transB) CommonOps_FDRM.multTransB(ea, eb, ec);
        else CommonOps_FDRM.mult(ea, eb, ec);
        return ec;
    }
}
