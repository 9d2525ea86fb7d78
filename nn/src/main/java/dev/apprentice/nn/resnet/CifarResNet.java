package dev.apprentice.nn.resnet;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.BatchNorm2d;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.layers.ConvBnEval;
import dev.apprentice.nn.layers.GlobalAvgPool;
import dev.apprentice.nn.layers.Linear;
import dev.apprentice.nn.layers.ReLU;
import dev.apprentice.nn.layers.Sequential;

import java.util.Random;

/**
 * CIFAR-style ResNet (He et al. 2016, §4.2): depth 6n+2, a 3×3 stem, three stages of n basic
 * blocks at widths w, 2w, 4w (w = 16 by default), 1×1 projection shortcuts where the shape
 * changes, global average pooling and a linear classifier. Member names follow the PyTorch
 * reference (conv, bn, layers.i.c1/b1/c2/b2/sc, fc) so its state dicts load directly.
 */
public final class CifarResNet extends Module {
    public final int depth, inChannels, classes, width;
    private final Conv2d conv;
    private final BatchNorm2d bn;
    private final ReLU relu;
    private final Sequential layers;
    private final GlobalAvgPool pool;
    private final Linear fc;

    public CifarResNet(int depth, int inChannels, int classes, int width, Random rng) {
        if (depth < 8 || (depth - 2) % 6 != 0)
            throw new IllegalArgumentException("CIFAR-style ResNet depth must be 6n+2 with n >= 1 (8, 20, 32, 44, 56, 110, ...), got " + depth);
        if (inChannels < 1 || classes < 2 || width < 1)
            throw new IllegalArgumentException("bad ResNet: " + inChannels + " input channels, " + classes + " classes, width " + width);
        this.depth = depth;
        this.inChannels = inChannels;
        this.classes = classes;
        this.width = width;
        int n = (depth - 2) / 6;
        conv = child("conv", new Conv2d(inChannels, width, 3, 1, 1, false, rng));
        bn = child("bn", new BatchNorm2d(width));
        relu = child("relu", new ReLU());
        layers = child("layers", new Sequential());
        int cin = width;
        for (int stage = 0; stage < 3; stage++) {
            int cout = width << stage;
            for (int j = 0; j < n; j++) {
                layers.add(new BasicBlock(cin, cout, stage > 0 && j == 0 ? 2 : 1, "c1", "b1", "c2", "b2", "sc", rng));
                cin = cout;
            }
        }
        pool = child("pool", new GlobalAvgPool());
        fc = child("fc", new Linear(cin, classes, true, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = ConvBnEval.applies(bn) ? ConvBnEval.forward(conv, bn, x, null, relu) : bn.forwardRelu(conv.forward(x), relu);
        h = layers.forward(h);
        return fc.forward(pool.forward(h));
    }

    @Override
    public String toString() {
        return "ResNet-" + depth + " (CIFAR-style, width " + width + ", " + inChannels + "→" + classes + ")";
    }
}
