package dev.apprentice.nn.resnet;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.BatchNorm2d;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.layers.ConvBnEval;
import dev.apprentice.nn.layers.GlobalAvgPool;
import dev.apprentice.nn.layers.Linear;
import dev.apprentice.nn.layers.MaxPool2d;
import dev.apprentice.nn.layers.ReLU;
import dev.apprentice.nn.layers.Sequential;

import java.util.Random;

/**
 * ImageNet-style ResNet (torchvision layout and names): 7×7/2 stem and 3×3/2 max-pool, four
 * stages at widths 64·m, 128·m, 256·m, 512·m; basic blocks for depths 18 and 34, bottlenecks
 * for 50 and 101.
 */
public final class ImageNetResNet extends Module {
    public final int depth, inChannels, classes;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final ReLU relu;
    private final MaxPool2d maxpool;
    private final Sequential[] stages = new Sequential[4];
    private final GlobalAvgPool avgpool;
    private final Linear fc;

    public ImageNetResNet(int depth, int inChannels, int classes, double widthMultiplier, Random rng) {
        int[] blocks = switch (depth) {
            case 18 -> new int[] {2, 2, 2, 2};
            case 34, 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            default -> throw new IllegalArgumentException("ImageNet-style ResNet depth must be 18, 34, 50 or 101, got " + depth);
        };
        if (inChannels < 1 || classes < 2 || !(widthMultiplier > 0))
            throw new IllegalArgumentException("bad ResNet: " + inChannels + " input channels, " + classes + " classes, width ×" + widthMultiplier);
        this.depth = depth;
        this.inChannels = inChannels;
        this.classes = classes;
        boolean bottleneck = depth >= 50;
        int base = Math.max(1, (int) Math.round(64 * widthMultiplier));
        conv1 = child("conv1", new Conv2d(inChannels, base, 7, 2, 3, false, rng));
        bn1 = child("bn1", new BatchNorm2d(base));
        relu = child("relu", new ReLU());
        maxpool = child("maxpool", new MaxPool2d(3, 2, 1));
        int cin = base;
        for (int s = 0; s < 4; s++) {
            int planes = base << s;
            Sequential stage = child("layer" + (s + 1), new Sequential());
            for (int j = 0; j < blocks[s]; j++) {
                int stride = s > 0 && j == 0 ? 2 : 1;
                if (bottleneck) {
                    stage.add(new Bottleneck(cin, planes, stride, rng));
                    cin = planes * Bottleneck.EXPANSION;
                } else {
                    stage.add(new BasicBlock(cin, planes, stride, "conv1", "bn1", "conv2", "bn2", "downsample", rng));
                    cin = planes;
                }
            }
            stages[s] = stage;
        }
        avgpool = child("avgpool", new GlobalAvgPool());
        fc = child("fc", new Linear(cin, classes, true, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor stem = ConvBnEval.applies(bn1) ? ConvBnEval.forward(conv1, bn1, x, null, relu) : bn1.forwardRelu(conv1.forward(x), relu);
        Tensor h = maxpool.forward(stem);
        for (Sequential s : stages) h = s.forward(h);
        return fc.forward(avgpool.forward(h));
    }

    @Override
    public String toString() {
        return "ResNet-" + depth + " (ImageNet-style, " + inChannels + "→" + classes + ")";
    }
}
