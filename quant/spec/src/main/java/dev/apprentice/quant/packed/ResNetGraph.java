package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The inference graph of a CIFAR-style ResNet, read once from its folded layers by name: the one
 * description that {@link PackedNetwork} (codes, any backend) and the CPU's full-precision network
 * (floats) both run. Layers: {@code conv} (the stem), blocks {@code layers.i.c1 / c2} with an
 * optional 1×1 projection {@code layers.i.sc.0}, and the classifier {@code fc}:
 * <pre>
 *   h = act(conv(x))                                     act: the ReLU (on codes: requantize)
 *   h = act(c2(act(c1(h))) + (sc ? sc(h) : h))           per block
 *   logits = fc(globalAvgPool(h))
 * </pre>
 * What each step computes (folded batch norm, codes or floats, fused epilogues) is the runner's
 * {@link Steps}; the graph only says what feeds what.
 *
 * @param <L> a layer as the runner holds it: the {@link PackedConv}, or what a backend prepared from it
 */
public record ResNetGraph<L>(L stem, List<Block<L>> blocks, L classifier) {

    /** One residual block; shortcut is null for the identity. */
    public record Block<L>(L c1, L c2, L shortcut) {}

    /** The operations a runner supplies, on its activations A. */
    public interface Steps<L, A> {
        /** A convolution and its epilogue, the residual added when not null, then the activation function if activate. */
        A conv(A input, L layer, A residual, boolean activate);

        /** Global average pooling, then the classifier: logits, batch × classes. */
        float[] poolLinear(A input, L classifier);

        /** An activation no longer used (a device frees it; the CPU leaves it to the step arena). */
        default void free(A activations) {}
    }

    /** The graph of folded layers by name; shapes checked, so layers that do not chain are refused before any input is touched. */
    public static ResNetGraph<PackedConv> of(Map<String, PackedConv> layers) {
        PackedConv stem = layers.get("conv");
        if (stem == null) throw new IllegalArgumentException("the model has no stem convolution 'conv'");
        int channels = stem.outChannels();
        List<Block<PackedConv>> blocks = new ArrayList<>();
        for (int i = 0; layers.containsKey("layers." + i + ".c1"); i++) {
            PackedConv c1 = layers.get("layers." + i + ".c1"), c2 = layers.get("layers." + i + ".c2");
            PackedConv sc = layers.get("layers." + i + ".sc.0");
            if (c2 == null) throw new IllegalArgumentException("block " + i + " has no second convolution layers." + i + ".c2");
            takes(c1, channels);
            takes(c2, c1.outChannels());
            if (c2.stride() != 1 || c2.outSize(7) != 7) throw new IllegalArgumentException(c2.name() + " must keep the spatial size");
            if (sc != null) {
                takes(sc, channels);
                if (sc.outChannels() != c2.outChannels() || sc.stride() != c1.stride() || sc.kernel() != 1 || sc.padding() != 0)
                    throw new IllegalArgumentException(sc.name() + " does not match its block's output");
            } else if (c2.outChannels() != channels || c1.stride() != 1) {
                throw new IllegalArgumentException("block " + i + " changes shape but has no projection shortcut");
            }
            blocks.add(new Block<>(c1, c2, sc));
            channels = c2.outChannels();
        }
        if (blocks.isEmpty()) throw new IllegalArgumentException("the model has no residual blocks (layers.0.c1)");
        PackedConv fc = layers.get("fc");
        if (fc == null || fc.encoding() != WeightEncoding.F32 || fc.kernel() != 1 || fc.inChannels() != channels)
            throw new IllegalArgumentException("fc must be an F32 classifier over " + channels + " channels");
        long shortcuts = blocks.stream().filter(b -> b.shortcut() != null).count();
        if (layers.size() != 2 + 2 * blocks.size() + shortcuts)
            throw new IllegalArgumentException("the model has layers outside the ResNet graph");
        return new ResNetGraph<>(stem, List.copyOf(blocks), fc);
    }

    private static void takes(PackedConv c, int inChannels) {
        if (c.inChannels() != inChannels) throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, gets " + inChannels);
    }

    /** The same graph with each layer replaced by f(layer), in forward order (a backend preparing its layers). */
    public <M> ResNetGraph<M> map(Function<L, M> f) {
        M s = f.apply(stem);
        List<Block<M>> b = new ArrayList<>();
        for (Block<L> block : blocks)
            b.add(new Block<>(f.apply(block.c1()), f.apply(block.c2()), block.shortcut() == null ? null : f.apply(block.shortcut())));
        return new ResNetGraph<>(s, List.copyOf(b), f.apply(classifier));
    }

    /** Every layer in forward order (stem, each block's c1, c2 and shortcut, classifier). */
    public List<L> layers() {
        List<L> all = new ArrayList<>();
        all.add(stem);
        for (Block<L> b : blocks) {
            all.add(b.c1());
            all.add(b.c2());
            if (b.shortcut() != null) all.add(b.shortcut());
        }
        all.add(classifier);
        return all;
    }

    /** Logits of input x through the graph; the shortcut is the one convolution without activation. */
    public <A> float[] run(A x, Steps<L, A> steps) {
        A h = steps.conv(x, stem, null, true);
        steps.free(x);
        for (Block<L> b : blocks) {
            A h1 = steps.conv(h, b.c1(), null, true);
            A res = b.shortcut() == null ? h : steps.conv(h, b.shortcut(), null, false);
            A next = steps.conv(h1, b.c2(), res, true);
            steps.free(h1);
            if (res != h) steps.free(res);
            steps.free(h);
            h = next;
        }
        float[] logits = steps.poolLinear(h, classifier);
        steps.free(h);
        return logits;
    }
}
