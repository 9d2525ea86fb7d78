package dev.apprentice.benchmarks;

import dev.apprentice.engine.kernel.Conv2dKernel;
import dev.apprentice.engine.kernel.ConvGeometry;
import dev.apprentice.engine.parallel.Parallel;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Convolution kernels on ResNet-20's layer shapes (28×28×1 Fashion-MNIST, batch 128), with the
 * engine pool at 2 threads. Scores are images per second (one invocation = one batch of 128);
 * GFLOP/s = score × MFLOP/image / 1000, the same for all three passes:
 * <pre>
 * layer    shape                      MFLOP/image
 * conv1    1→16   3×3 s1 p1, 28×28    0.226
 * s1       16→16  3×3 s1 p1, 28×28    3.613
 * s2down   16→32  3×3 s2 p1, 28→14    1.806
 * s2       32→32  3×3 s1 p1, 14×14    3.613
 * s2short  16→32  1×1 s2,    28→14    0.201
 * s3down   32→64  3×3 s2 p1, 14→7     1.806
 * s3       64→64  3×3 s1 p1, 7×7      3.613
 * s3short  32→64  1×1 s2,    14→7     0.201
 * </pre>
 * Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar Conv2d}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class Conv2dBenchmark {
    private static final int BATCH = 128;

    @Param({"conv1", "s1", "s2down", "s2", "s2short", "s3down", "s3", "s3short"})
    public String layer;

    private ConvGeometry g;
    private float[] x, w, bias, y, dy, dx, dw;

    static ConvGeometry geometry(String layer) {
        return switch (layer) {
            case "conv1" -> ConvGeometry.of(BATCH, 1, 28, 28, 16, 3, 1, 1);
            case "s1" -> ConvGeometry.of(BATCH, 16, 28, 28, 16, 3, 1, 1);
            case "s2down" -> ConvGeometry.of(BATCH, 16, 28, 28, 32, 3, 2, 1);
            case "s2" -> ConvGeometry.of(BATCH, 32, 14, 14, 32, 3, 1, 1);
            case "s2short" -> ConvGeometry.of(BATCH, 16, 28, 28, 32, 1, 2, 0);
            case "s3down" -> ConvGeometry.of(BATCH, 32, 14, 14, 64, 3, 2, 1);
            case "s3" -> ConvGeometry.of(BATCH, 64, 7, 7, 64, 3, 1, 1);
            case "s3short" -> ConvGeometry.of(BATCH, 32, 14, 14, 64, 1, 2, 0);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        g = geometry(layer);
        Random rng = new Random(42);
        x = random(rng, g.inputSize());
        w = random(rng, g.weightSize());
        bias = random(rng, g.outChannels());
        dy = random(rng, g.outputSize());
        y = new float[g.outputSize()];
        dx = new float[g.inputSize()];
        dw = new float[g.weightSize()];
    }

    private static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] forward() {
        Conv2dKernel.forward(g, x, w, bias, y);
        return y;
    }

    /** Accumulates into dx across invocations; the values are irrelevant, the work is the same. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] backwardData() {
        Conv2dKernel.backwardData(g, dy, w, dx);
        return dx;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] backwardWeights() {
        Conv2dKernel.backwardWeights(g, x, dy, dw);
        return dw;
    }
}
