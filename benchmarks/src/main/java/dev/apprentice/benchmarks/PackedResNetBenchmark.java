package dev.apprentice.benchmarks;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.QuantizeTransform;
import dev.apprentice.quant.cpu.CpuBackend;
import dev.apprentice.quant.cpu.FloatNetwork;
import dev.apprentice.quant.packed.PackedExport;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedNetwork;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Whole-network inference of a CIFAR-style ResNet on 28×28×1 images, 2 threads: our fp32 inference
 * as evaluation runs it (the compiled NHWC network, FloatNetwork, in a step arena; fp32Module is the
 * module's own forward pass) beside the packed a8w4, a8w2, a4w4 and a4w2 networks on the CPU's packed kernels
 * (CpuBackend). The PyTorch peer (its fp32 and int8 inference): benchmarks/peer-int8.sh. Scores are batches per second (report.py shows images/s = score × batch).
 * Weights are TWN/max-scaled quantizations of a Kaiming initialisation: about half the ternary
 * weights are zero, as in trained networks; the speed of the kernels does not depend on values.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000"})
@State(Scope.Benchmark)
public class PackedResNetBenchmark {
    @Param({"resnet20", "resnet56"})
    public String model;

    @Param({"1", "64"})
    public int batch;

    private Module fp32;
    private FloatNetwork fp32Compiled;
    private PackedNetwork a8w4, a8w2, a4w4, a4w2;
    private float[] images;
    private Tensor x;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        Normalization norm = new Normalization(new float[] {0.286f}, new float[] {0.353f});
        ModelSpec spec = new ModelSpec(model, 1, 1, 28, 28, 10, norm);
        fp32 = spec.build(1);
        fp32.eval();
        fp32Compiled = FloatNetwork.of(fp32);
        a8w4 = packed(spec, "a8w4");
        a8w2 = packed(spec, "a8w2");
        a4w4 = packed(spec, "a4w4");
        a4w2 = packed(spec, "a4w2");
        x = Tensor.randn(new Random(1), 1f, batch, 1, 28, 28);
        images = x.data();
    }

    private static PackedNetwork packed(ModelSpec spec, String precision) {
        ModelSpec q = spec.withQuant(QuantConfig.of(Precision.parse(precision)));
        Module m = q.build(1);
        PackedModel pm = PackedExport.export(m, QuantizeTransform.plan(m, q.quant()), q.toMetadata());
        System.out.printf("%n%s %s: packed parameters %,d bytes, fp32 %,d bytes%n", spec.arch(), precision, pm.parameterBytes(), 4 * m.parameterCount());
        return new PackedNetwork(pm, new CpuBackend());
    }

    /** Our fp32 inference as evaluation runs it: the compiled NHWC network, in a step arena. */
    @Benchmark
    public float fp32() {
        try (var arena = StepArena.open()) {
            return fp32Compiled.logits(images, batch, 1, 28, 28)[0];
        }
    }

    /** The fp32 module's own forward pass (NCHW), for reference. */
    @Benchmark
    public float fp32Module() {
        try (var noGrad = GradMode.off(); var arena = StepArena.open()) {
            return fp32.forward(x).data()[0];
        }
    }

    @Benchmark
    public float a8w4() {
        return run(a8w4);
    }

    @Benchmark
    public float a8w2() {
        return run(a8w2);
    }

    @Benchmark
    public float a4w4() {
        return run(a4w4);
    }

    @Benchmark
    public float a4w2() {
        return run(a4w2);
    }

    /** One batch through a packed network in a step arena, as evaluation runs it. */
    private float run(PackedNetwork net) {
        try (var arena = StepArena.open()) {
            return net.logits(images, batch, 1, 28, 28)[0];
        }
    }
}
