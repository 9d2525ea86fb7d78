package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.ImageTasks;
import dev.apprentice.quant.packed.PackedExport;
import dev.apprentice.quant.packed.ResNetGraph;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Transformable;
import dev.apprentice.nn.resnet.CifarResNet;
import dev.apprentice.quant.kernel.TapWeights;
import dev.apprentice.engine.kernel.ConvPlan;

import java.util.Map;

/**
 * A trained full-precision CIFAR-style ResNet compiled for inference on the packed CPU path's
 * kernels: activations NHWC floats, each batchnorm folded into its convolution's output scale and
 * bias, the real weights laid out as {@link TapWeights}, and every convolution run by
 * {@link TapConvolution} (the row kernel for 3×3 stride 1: each broadcast activation feeds three
 * FMAs per weight vector) or, where the plan takes it (vectors of at most 256 bits), {@link WinogradConvolution},
 * with bias, residual and relu applied as its sums leave L1.
 *
 * <p>Same network as the module's eval-mode forward, summed in another order (float results agree
 * to rounding, not bit for bit). A snapshot: later changes to the module's weights are not seen.
 * Called inside a {@link StepArena} scope, its activations reuse the scope's arrays.
 */
public final class FloatNetwork {
    /**
     * A folded layer as this network runs it: its real weights laid out for the row and tap kernels, and
     * transformed for {@link WinogradConvolution} where the plan takes it ({@link ConvPlan#channelsLastFloat}), else null.
     */
    public record Layer(PackedConv conv, TapWeights weights, float[] winograd) {
        /** This layer alone on float activations (from {@link CpuBackend#upload} or a previous call), the relu after it if relu: for per-layer benchmarks. */
        public LowBitBackend.Activations apply(LowBitBackend.Activations input, LowBitBackend.Activations residual, boolean relu) {
            return run(this, (CpuActivations) input, (CpuActivations) residual, relu);
        }
    }

    private final ResNetGraph<Layer> graph;
    private final CpuBackend cpu = new CpuBackend();
    private final LowBitBackend.Layer fc;
    private final int inChannels;

    private FloatNetwork(Map<String, PackedConv> layers) {
        ResNetGraph<PackedConv> folded = ResNetGraph.of(layers);
        graph = folded.map(FloatNetwork::layer);
        inChannels = folded.stem().inChannels();
        fc = cpu.prepare(folded.classifier());
    }

    /** Whether {@link #of} takes the model: a CIFAR-style ResNet with no quantizer (no transform) on any layer. */
    public static boolean supports(Module model) {
        if (!(model instanceof CifarResNet)) return false;
        for (Module m : model.namedModules().values())
            if (m instanceof Transformable t && t.transform() != null) return false;
        return true;
    }

    /** The model's current weights and batchnorm running statistics, folded (see {@link #supports}). */
    public static FloatNetwork of(Module model) {
        if (!supports(model))
            throw new IllegalArgumentException("the NHWC inference network takes full-precision CIFAR-style ResNets (no quantized layers), not " + model);
        Map<String, PackedConv> layers = PackedExport.foldedLayers(model, name -> null, 0, 1);
        return new FloatNetwork(layers);
    }

    /** A folded F32 layer (weights OIHW, i.e. (c, ki, kj) per row) as this network runs it: re-laid to the (tap, c) rows TapWeights takes. */
    public static Layer layer(PackedConv c) {
        int o = c.outChannels(), ch = c.inChannels(), taps = c.kernel() * c.kernel();
        float[] tapMajor = tapMajor(c);
        boolean winograd = ConvPlan.channelsLastFloat(c.kernel(), c.stride(), c.padding(), ch) == ConvPlan.Path.WINOGRAD;
        return new Layer(c, TapWeights.ofFloats(tapMajor, o, taps, ch), winograd ? WinogradConvolution.weights(tapMajor, c) : null);
    }

    /** A folded layer's OIHW weights as (o, tap, c) rows. */
    static float[] tapMajor(PackedConv c) {
        int o = c.outChannels(), ch = c.inChannels(), taps = c.kernel() * c.kernel();
        float[] oihw = c.weights(), rows = new float[oihw.length];
        for (int r = 0; r < o; r++)
            for (int ci = 0; ci < ch; ci++)
                for (int t = 0; t < taps; t++) rows[(r * taps + t) * ch + ci] = oihw[(r * ch + ci) * taps + t];
        return rows;
    }

    /** Logits (batch × classes) of a batch of normalized images (N, C, H, W), as the module's forward gives them. */
    public Tensor logits(Tensor images) {
        if (images.rank() != 4) throw new IllegalArgumentException("images must be N × C × H × W, got rank " + images.rank());
        int batch = images.dim(0);
        float[] logits = logits(images.data(), batch, images.dim(1), images.dim(2), images.dim(3));
        return Tensor.of(logits, batch, logits.length / batch);
    }

    /** Logits (batch × classes) of normalized images (NCHW floats). */
    public float[] logits(float[] images, int batch, int channels, int height, int width) {
        if (channels != inChannels) throw new IllegalArgumentException("the network takes " + inChannels + " input channels, got " + channels);
        if (batch < 1 || height < 1 || width < 1 || images.length != (long) batch * channels * height * width)
            throw new IllegalArgumentException(images.length + " values for " + batch + "×" + channels + "×" + height + "×" + width);
        if (ImageTasks.splits(batch)) return ImageTasks.run(batch, fc.source().outChannels(), (first, count) -> imageLogits(images, first, count, height, width));
        return imageLogits(images, 0, batch, height, width);
    }

    /** Logits of images [first, first + count). */
    private float[] imageLogits(float[] images, int first, int count, int height, int width) {
        return graph.run(CpuActivations.fromNchw(images, first, count, inChannels, height, width), new ResNetGraph.Steps<>() {
            @Override
            public CpuActivations conv(CpuActivations input, Layer layer, CpuActivations residual, boolean activate) {
                return run(layer, input, residual, activate);
            }

            @Override
            public float[] poolLinear(CpuActivations input, Layer classifier) {
                return cpu.poolLinear(input, fc);
            }
        });
    }

    private static CpuActivations run(Layer l, CpuActivations x, CpuActivations residual, boolean relu) {
        PackedConv c = l.conv();
        int oh = c.outSize(x.height()), ow = c.outSize(x.width());
        // every element is written: from the caller's step arena when one is open (no zeroing, no garbage)
        CpuActivations out = new CpuActivations(x.batch(), c.outChannels(), oh, ow, 0, null, StepArena.overwritten(x.batch() * oh * ow * c.outChannels()));
        if (l.winograd() != null) WinogradConvolution.run(x, c, l.winograd(), residual, out, relu);
        else TapConvolution.run(x, c, l.weights(), residual, out, relu);
        return out;
    }
}
