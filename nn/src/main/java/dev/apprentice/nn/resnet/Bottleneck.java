package dev.apprentice.nn.resnet;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.BatchNorm2d;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.layers.ConvBnEval;
import dev.apprentice.nn.layers.ReLU;
import dev.apprentice.nn.layers.Sequential;

import java.util.Random;

/**
 * 1×1 reduce, 3×3 (strided, as in torchvision's ResNet v1.5), 1×1 expand by 4, plus shortcut.
 * Names follow torchvision (conv1..3, bn1..3, downsample).
 */
public final class Bottleneck extends Module {
    public static final int EXPANSION = 4;
    private final Conv2d conv1, conv2, conv3;
    private final BatchNorm2d bn1, bn2, bn3;
    private final ReLU relu1, relu2, relu3;
    private final Sequential downsample;
    /** The downsample's layers (null without one), for the folded inference path. */
    private final Conv2d dsConv;
    private final BatchNorm2d dsBn;

    public Bottleneck(int cin, int planes, int stride, Random rng) {
        int cout = planes * EXPANSION;
        conv1 = child("conv1", new Conv2d(cin, planes, 1, 1, 0, false, rng));
        bn1 = child("bn1", new BatchNorm2d(planes));
        relu1 = child("relu1", new ReLU());
        conv2 = child("conv2", new Conv2d(planes, planes, 3, stride, 1, false, rng));
        bn2 = child("bn2", new BatchNorm2d(planes));
        relu2 = child("relu2", new ReLU());
        conv3 = child("conv3", new Conv2d(planes, cout, 1, 1, 0, false, rng));
        bn3 = child("bn3", new BatchNorm2d(cout));
        boolean project = stride != 1 || cin != cout;
        dsConv = project ? new Conv2d(cin, cout, 1, stride, 0, false, rng) : null;
        dsBn = project ? new BatchNorm2d(cout) : null;
        downsample = project ? child("downsample", new Sequential(dsConv, dsBn)) : null;
        relu3 = child("relu3", new ReLU());
    }

    @Override
    public Tensor forward(Tensor x) {
        if (ConvBnEval.applies(bn1, bn2, bn3, dsBn)) {   // inference: batchnorms folded into the convolutions
            Tensor h = ConvBnEval.forward(conv1, bn1, x, null, relu1);
            h = ConvBnEval.forward(conv2, bn2, h, null, relu2);
            Tensor sc = downsample == null ? x : ConvBnEval.forward(dsConv, dsBn, x, null, null);
            return ConvBnEval.forward(conv3, bn3, h, sc, relu3);
        }
        Tensor h = bn1.forwardRelu(conv1.forward(x), relu1);
        h = bn2.forwardRelu(conv2.forward(h), relu2);
        Tensor sc = downsample == null ? x : downsample.forward(x);
        return bn3.forwardAddRelu(conv3.forward(h), sc, relu3);
    }
}
