package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

import java.util.Arrays;

/**
 * Runs a packed CIFAR-style ResNet ({@link ResNetGraph}) on a backend: activations as codes of the
 * model's bits between layers (the activation function is the requantization), the stem on float
 * input, the projection shortcuts' outputs as floats. Shapes and bit widths are checked when the
 * network is built, so a model whose layers do not chain is refused before any input is touched.
 */
public final class PackedNetwork implements AutoCloseable {
    private final LowBitBackend backend;
    private final ResNetGraph<LowBitBackend.Layer> graph;
    private final int bits, inChannels;

    public PackedNetwork(PackedModel model, LowBitBackend backend) {
        this.backend = backend;
        this.bits = model.activationBits();
        ResNetGraph<PackedConv> layers = ResNetGraph.of(model.layers());
        PackedConv s = layers.stem();
        if (s.encoding() != WeightEncoding.F32 || s.inBits() != 0) throw new IllegalArgumentException("the stem must be an F32 layer on float input");
        for (PackedConv c : layers.layers())
            if (c != s && c != layers.classifier() && c.inBits() != bits)
                throw new IllegalArgumentException(c.name() + " takes " + c.inBits() + "-bit codes, the network carries " + bits);
        this.inChannels = s.inChannels();
        this.graph = layers.map(backend::prepare);
    }

    public String backendName() {
        return backend.name();
    }

    /** Logits (batch × classes) of normalized images (NCHW floats). */
    public float[] logits(float[] images, int batch, int channels, int height, int width) {
        if (channels != inChannels) throw new IllegalArgumentException("the network takes " + inChannels + " input channels, got " + channels);
        if (batch < 1 || height < 1 || width < 1 || images.length != (long) batch * channels * height * width)
            throw new IllegalArgumentException(images.length + " values for " + batch + "×" + channels + "×" + height + "×" + width);
        if (!backend.splitsByImage() || !ImageTasks.splits(batch)) return imageLogits(images, batch, height, width);
        int image = channels * height * width;
        return ImageTasks.run(batch, graph.classifier().source().outChannels(),
                (first, count) -> imageLogits(Arrays.copyOfRange(images, first * image, (first + count) * image), count, height, width));
    }

    /** Logits of a whole batch of images, each layer on the backend in turn. */
    private float[] imageLogits(float[] images, int batch, int height, int width) {
        return graph.run(backend.upload(images, batch, inChannels, height, width), new ResNetGraph.Steps<>() {
            @Override
            public LowBitBackend.Activations conv(LowBitBackend.Activations input, LowBitBackend.Layer layer, LowBitBackend.Activations residual, boolean activate) {
                return backend.conv(input, layer, residual, activate ? bits : 0);
            }

            @Override
            public float[] poolLinear(LowBitBackend.Activations input, LowBitBackend.Layer classifier) {
                return backend.poolLinear(input, classifier);
            }

            @Override
            public void free(LowBitBackend.Activations activations) {
                backend.free(activations);
            }
        });
    }

    @Override
    public void close() {
        backend.close();
    }
}
