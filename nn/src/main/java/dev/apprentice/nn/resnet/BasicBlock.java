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
 * Two 3×3 convolutions with batchnorm and a shortcut: relu(bn2(conv2(relu(bn1(conv1 x)))) + sc(x)).
 * The shortcut is the identity, or a 1×1 strided projection with batchnorm when the shape
 * changes. Member names are passed in so both the CIFAR and torchvision naming can be used.
 */
public final class BasicBlock extends Module {
    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final ReLU relu1, relu2;
    private final Sequential shortcut;
    /** The projection shortcut's layers (null for the identity), for the folded inference path. */
    private final Conv2d scConv;
    private final BatchNorm2d scBn;

    public BasicBlock(int cin, int cout, int stride, String c1, String b1, String c2, String b2, String sc, Random rng) {
        conv1 = child(c1, new Conv2d(cin, cout, 3, stride, 1, false, rng));
        bn1 = child(b1, new BatchNorm2d(cout));
        relu1 = child("relu1", new ReLU());
        conv2 = child(c2, new Conv2d(cout, cout, 3, 1, 1, false, rng));
        bn2 = child(b2, new BatchNorm2d(cout));
        boolean project = stride != 1 || cin != cout;
        scConv = project ? new Conv2d(cin, cout, 1, stride, 0, false, rng) : null;
        scBn = project ? new BatchNorm2d(cout) : null;
        shortcut = project ? child(sc, new Sequential(scConv, scBn)) : null;
        relu2 = child("relu2", new ReLU());
    }

    @Override
    public Tensor forward(Tensor x) {
        if (ConvBnEval.applies(bn1, bn2, scBn)) {   // inference: batchnorms folded into the convolutions
            Tensor h = ConvBnEval.forward(conv1, bn1, x, null, relu1);
            Tensor sc = shortcut == null ? x : ConvBnEval.forward(scConv, scBn, x, null, null);
            return ConvBnEval.forward(conv2, bn2, h, sc, relu2);
        }
        Tensor h = bn1.forwardRelu(conv1.forward(x), relu1);
        Tensor sc = shortcut == null ? x : shortcut.forward(x);
        return bn2.forwardAddRelu(conv2.forward(h), sc, relu2);
    }
}
