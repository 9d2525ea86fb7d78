package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a packed CIFAR-style ResNet on a backend. The graph is read off the layer names:
 * {@code conv} (the stem, float input), blocks {@code layers.i.c1 / c2} with an optional 1×1
 * projection {@code layers.i.sc.0}, and the classifier {@code fc}:
 * <pre>
 *   h = q(conv(x))                                      q: requantize to activation codes (the ReLU)
 *   h = q(c2(q(c1(h))) + (sc ? sc(h) : h))              per block
 *   logits = fc(globalAvgPool(h))
 * </pre>
 * Shapes are checked when the network is built, so a model whose layers do not chain is refused
 * before any input is touched.
 */
public final class PackedNetwork implements AutoCloseable {
    private final LowBitBackend backend;
    private final LowBitBackend.Layer stem, fc;
    private final List<Block> blocks = new ArrayList<>();
    private final int bits, inChannels;

    private record Block(LowBitBackend.Layer c1, LowBitBackend.Layer c2, LowBitBackend.Layer shortcut) {}

    public PackedNetwork(PackedModel model, LowBitBackend backend) {
        this.backend = backend;
        this.bits = model.activationBits();
        PackedConv s = model.layer("conv");
        if (s.encoding() != WeightEncoding.F32 || s.inBits() != 0) throw new IllegalArgumentException("the stem must be an F32 layer on float input");
        this.inChannels = s.inChannels();
        int channels = s.outChannels();
        stem = backend.prepare(s);
        for (int i = 0; model.layers().containsKey("layers." + i + ".c1"); i++) {
            PackedConv c1 = model.layer("layers." + i + ".c1"), c2 = model.layer("layers." + i + ".c2");
            PackedConv sc = model.layers().get("layers." + i + ".sc.0");
            expect(c1, channels, bits);
            expect(c2, c1.outChannels(), bits);
            if (c2.stride() != 1 || c2.outSize(7) != 7) throw new IllegalArgumentException(c2.name() + " must keep the spatial size");
            if (sc != null) {
                expect(sc, channels, bits);
                if (sc.outChannels() != c2.outChannels() || sc.stride() != c1.stride() || sc.kernel() != 1 || sc.padding() != 0)
                    throw new IllegalArgumentException(sc.name() + " does not match its block's output");
            } else if (c2.outChannels() != channels || c1.stride() != 1) {
                throw new IllegalArgumentException("block " + i + " changes shape but has no projection shortcut");
            }
            blocks.add(new Block(backend.prepare(c1), backend.prepare(c2), sc == null ? null : backend.prepare(sc)));
            channels = c2.outChannels();
        }
        if (blocks.isEmpty()) throw new IllegalArgumentException("the packed model has no residual blocks (layers.0.c1)");
        PackedConv f = model.layer("fc");
        if (f.encoding() != WeightEncoding.F32 || f.kernel() != 1 || f.inChannels() != channels)
            throw new IllegalArgumentException("fc must be an F32 classifier over " + channels + " channels");
        fc = backend.prepare(f);
        long shortcuts = blocks.stream().filter(b -> b.shortcut() != null).count();
        if (model.layers().size() != 2 + 2 * blocks.size() + shortcuts)
            throw new IllegalArgumentException("the packed model has layers outside the ResNet graph");
    }

    private static void expect(PackedConv c, int inChannels, int bits) {
        if (c.inChannels() != inChannels) throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, gets " + inChannels);
        if (c.inBits() != bits) throw new IllegalArgumentException(c.name() + " takes " + c.inBits() + "-bit codes, the network carries " + bits);
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
        return ImageTasks.run(batch, fc.source().outChannels(),
                (first, count) -> imageLogits(Arrays.copyOfRange(images, first * image, (first + count) * image), count, height, width));
    }

    /** Logits of a whole batch of images, each layer on the backend in turn. */
    private float[] imageLogits(float[] images, int batch, int height, int width) {
        LowBitBackend.Activations x = backend.upload(images, batch, inChannels, height, width);
        LowBitBackend.Activations h = backend.conv(x, stem, null, bits);
        backend.free(x);
        for (Block b : blocks) {
            LowBitBackend.Activations h1 = backend.conv(h, b.c1(), null, bits);
            LowBitBackend.Activations res = b.shortcut() == null ? h : backend.conv(h, b.shortcut(), null, 0);
            LowBitBackend.Activations next = backend.conv(h1, b.c2(), res, bits);
            backend.free(h1);
            if (res != h) backend.free(res);
            backend.free(h);
            h = next;
        }
        float[] logits = backend.poolLinear(h, fc);
        backend.free(h);
        return logits;
    }

    @Override
    public void close() {
        backend.close();
    }
}
