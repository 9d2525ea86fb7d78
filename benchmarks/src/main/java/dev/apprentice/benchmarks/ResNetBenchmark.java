package dev.apprentice.benchmarks;

import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.optim.Sgd;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.cpu.FloatNetwork;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A whole ResNet on 28×28×1 inputs, 2 threads: one SGD training step (forward, cross entropy,
 * backward, Nesterov SGD with weight decay) and inference: the compiled NHWC network that evaluation
 * uses ({@link FloatNetwork}) and the module's own eval-mode forward pass without a graph. Scores are
 * batches per second; images/s = score × batch. The PyTorch peer for the same model and step is
 * ../shared/peers/throughput.py (run it in the same minute: `benchmarks/peer-throughput.sh`).
 * Forks use the parallel collector and loop strip mining, as the jar's launcher does for `train` and `eval`, and each
 * step or batch runs in a {@link StepArena}, as the trainer's do.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g", "-XX:+UseParallelGC", "-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000"})
@State(Scope.Benchmark)
public class ResNetBenchmark {
    @Param({"resnet20"})
    public String model;

    @Param({"128"})
    public int batch;

    private Module net;
    private Sgd sgd;
    private Tensor x;
    private int[] y;
    private FloatNetwork compiled;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        net = ResNets.create(model, 1, 10, 1.0, 1);
        sgd = Sgd.builder().lr(0.01).momentum(0.9).nesterov(true).weightDecay(5e-4).group(net.parameters()).build();
        Random rng = new Random(1);
        x = Tensor.randn(rng, 1f, batch, 1, 28, 28);
        y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.nextInt(10);
        compiled = FloatNetwork.of(net); // the initial weights: trainStep changes them later, the speed does not depend on values
    }

    @Benchmark
    public float trainStep() {
        try (var arena = StepArena.open()) { // as the trainer runs a step
            net.train(true);
            sgd.zeroGrad();
            Tensor loss = Loss.crossEntropy(net.forward(x), y);
            loss.backward();
            sgd.step();
            return loss.item();
        }
    }

    /** Inference as the trainer and `eval` run it for a full-precision ResNet: the compiled NHWC network (Evaluation). */
    @Benchmark
    public float inference() {
        try (var arena = StepArena.open()) { // as the trainer evaluates a batch
            return compiled.logits(x.data(), batch, 1, 28, 28)[0];
        }
    }

    /** The module's own eval-mode forward pass (NCHW, graph-free), for comparison with {@link #inference}. */
    @Benchmark
    public float inferenceModule() {
        net.eval();
        try (var noGrad = GradMode.off(); var arena = StepArena.open()) {
            return net.forward(x).data()[0];
        }
    }

}
