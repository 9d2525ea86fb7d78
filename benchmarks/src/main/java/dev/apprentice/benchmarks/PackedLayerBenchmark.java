package dev.apprentice.benchmarks;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.WeightEncoding;
import dev.apprentice.quant.cpu.CpuBackend;
import dev.apprentice.quant.cpu.FloatNetwork;
import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.quantizer.WeightCodes;
import org.openjdk.jmh.annotations.*;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One convolution of ResNet-20 (28×28×1 inputs) per call, 2 threads, so that the whole-network ratios of
 * PackedResNetBenchmark can be traced to layer shapes: fp32 is the layer exactly as our full-precision
 * inference runs it (FloatNetwork's own per-layer step: its TapWeights layout and TapConvolution's float row
 * or tap kernel, NHWC floats in and out, relu), and a8w4, a8w2, a4w4, a4w2 the same layer as a PackedConv with
 * integer codes on {@link CpuBackend} (its integer row, paired or float-decoded kernel, whichever it picks),
 * input activation codes in, codes out (3×3) or floats out (the 1×1 projections, as PackedNetwork runs them).
 * Each call runs in a {@link StepArena} scope, as a network's layers do; no residual is added.
 *
 * <p>shape = IN x OUT x SIZE s STRIDE [k KERNEL]: input channels, output channels, input height = width,
 * stride, kernel (3 unless given, padding kernel/2). The JMH score is layer calls per second; report.py shows
 * images/s = score × batch. At batch 64 a layer call is split over the threads by output rows; the whole
 * network at batch 64 instead runs each layer on one thread for 4 images at a time (ImageTasks).
 * Weights: a Kaiming initialisation quantized as PackedExport does (TWN ternary, about 40% zeros; max-scaled
 * 4-bit); the kernels' speed does not depend on values.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000"})
@State(Scope.Benchmark)
public class PackedLayerBenchmark {
    private static final Pattern SHAPE = Pattern.compile("(\\d+)x(\\d+)x(\\d+)s(\\d+)(?:k(\\d+))?");

    /** ResNet-20's distinct 3×3 convolutions, then its two 1×1 projection shortcuts. */
    @Param({"16x16x28s1", "16x32x28s2", "32x32x14s1", "32x64x14s2", "64x64x7s1", "16x32x28s2k1", "32x64x14s2k1"})
    public String shape;

    @Param({"1", "64"})
    public int batch;

    private final CpuBackend cpu = new CpuBackend();
    private int inChannels, outChannels, size, stride, kernel;

    /** The layer as FloatNetwork runs it. */
    private FloatNetwork.Layer floatLayer;
    private LowBitBackend.Activations floats;

    private Packed a8w4, a8w2, a4w4, a4w2;

    /** A prepared packed layer, its input activation codes (uploaded once) and the bits of its output codes (0: floats). */
    private record Packed(LowBitBackend.Layer layer, LowBitBackend.Activations input, int outBits) {}

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(2);
        Matcher m = SHAPE.matcher(shape);
        if (!m.matches()) throw new IllegalArgumentException("shape must be INxOUTxSIZEsSTRIDE[kKERNEL], e.g. 16x32x28s2, got " + shape);
        inChannels = Integer.parseInt(m.group(1));
        outChannels = Integer.parseInt(m.group(2));
        size = Integer.parseInt(m.group(3));
        stride = Integer.parseInt(m.group(4));
        kernel = m.group(5) == null ? 3 : Integer.parseInt(m.group(5));
        int k = inChannels * kernel * kernel;
        Random rng = new Random(1);
        // the network's own initialisation of such a layer (Kaiming normal), OIHW
        float[] w = new Conv2d(inChannels, outChannels, kernel, stride, kernel / 2, false, rng).weight().data().clone();
        float[] bnScale = new float[outChannels], bnShift = new float[outChannels];
        for (int o = 0; o < outChannels; o++) {
            bnScale[o] = 0.5f + rng.nextFloat();
            bnShift[o] = 0.1f * (float) rng.nextGaussian();
        }
        float[] image = new float[batch * inChannels * size * size];
        for (int i = 0; i < image.length; i++) image[i] = (float) rng.nextGaussian();

        // fp32: the layer as FloatNetwork folds it (PackedExport.foldedLayers with aBits 0) on float activations
        PackedConv f32 = new PackedConv("fp32", inChannels, outChannels, kernel, stride, kernel / 2, WeightEncoding.F32, 0, null, w,
                ones(outChannels), bnScale, bnShift);
        floatLayer = FloatNetwork.layer(f32);
        floats = cpu.upload(image, batch, inChannels, size, size);

        WeightCodes w4 = QuantConfig.of(Precision.parse("a8w4")).weightQuantizer().codes(w, outChannels, k);
        WeightCodes w2 = QuantConfig.of(Precision.parse("a8w2")).weightQuantizer().codes(w, outChannels, k);
        a8w4 = packed(8, WeightEncoding.INT4, w4, bnScale, bnShift, image);
        a8w2 = packed(8, WeightEncoding.TERNARY, w2, bnScale, bnShift, image);
        a4w4 = packed(4, WeightEncoding.INT4, w4, bnScale, bnShift, image);
        a4w2 = packed(4, WeightEncoding.TERNARY, w2, bnScale, bnShift, image);

        long zeros = Arrays.stream(w2.codes()).filter(q -> q == 0).count();
        long fp32Bytes = 4L * outChannels * k, w4Bytes = a8w4.layer().source().codes().length, w2Bytes = a8w2.layer().source().codes().length;
        int out = (size + 2 * (kernel / 2) - kernel) / stride + 1;
        System.out.printf("%n%s: %d→%d %d×%d s%d, %d→%d, batch %d, %,d MACs a call; weight bytes fp32 %,d, w4 %,d (%.1fx smaller), w2 %,d (%.1fx), "
                        + "+%,d bytes of per-channel scale and bias in each; ternary zeros %.0f%%%n",
                shape, inChannels, outChannels, kernel, kernel, stride, size, out, batch, (long) batch * out * out * outChannels * k,
                fp32Bytes, w4Bytes, (double) fp32Bytes / w4Bytes, w2Bytes, (double) fp32Bytes / w2Bytes, 12L * outChannels, 100.0 * zeros / w2.codes().length);
    }

    /**
     * The layer with weight codes as PackedExport packs them (outScale = weightScale · 1/levels · bn scale),
     * prepared once, and its input: the image's values as aBits activation codes (relu'd and clamped to [0, 1], about
     * half zeros), made on the backend by a 1×1 identity F32 layer, as a network's stem turns floats into codes.
     */
    private Packed packed(int aBits, WeightEncoding encoding, WeightCodes codes, float[] bnScale, float[] bnShift, float[] image) {
        int levels = (1 << aBits) - 1, k = inChannels * kernel * kernel;
        float[] outScale = new float[outChannels];
        for (int o = 0; o < outChannels; o++) outScale[o] = codes.scale()[o] * (1f / levels) * bnScale[o];
        PackedConv conv = new PackedConv("a" + aBits + "w" + encoding.bits, inChannels, outChannels, kernel, stride, kernel / 2, encoding, aBits,
                encoding.pack(codes.codes(), outChannels, k), null, codes.scale().clone(), outScale, bnShift.clone());
        float[] identity = new float[inChannels * inChannels];
        for (int c = 0; c < inChannels; c++) identity[c * inChannels + c] = 1f;
        PackedConv toCodes = new PackedConv("codes", inChannels, inChannels, 1, 1, 0, WeightEncoding.F32, 0, null, identity,
                ones(inChannels), ones(inChannels), new float[inChannels]);
        LowBitBackend.Activations x = cpu.upload(image, batch, inChannels, size, size);
        LowBitBackend.Activations input = cpu.conv(x, cpu.prepare(toCodes), null, aBits);
        cpu.free(x);
        // 3×3 layers requantize (the relu); projection shortcuts give floats to the residual add, as in PackedNetwork
        return new Packed(cpu.prepare(conv), input, kernel == 1 ? 0 : aBits);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** The layer as our fp32 inference (FloatNetwork) runs it: float row/tap kernels, relu after a 3×3, none after a projection. */
    @Benchmark
    public Object fp32() {
        try (var arena = StepArena.open()) {
            return floatLayer.apply(floats, null, kernel != 1);
        }
    }

    @Benchmark
    public Object a8w4() {
        return run(a8w4);
    }

    @Benchmark
    public Object a8w2() {
        return run(a8w2);
    }

    @Benchmark
    public Object a4w4() {
        return run(a4w4);
    }

    @Benchmark
    public Object a4w2() {
        return run(a4w2);
    }

    /** One packed layer call on the CPU backend in a step arena, as PackedNetwork runs it. */
    private Object run(Packed p) {
        try (var arena = StepArena.open()) {
            LowBitBackend.Activations y = cpu.conv(p.input(), p.layer(), null, p.outBits());
            cpu.free(y);   // a no-op on the CPU (host memory), kept as the backend API asks
            return y;
        }
    }
}
