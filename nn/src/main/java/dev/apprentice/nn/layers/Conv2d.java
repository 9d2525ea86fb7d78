package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.Conv;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Init;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Trace;
import dev.apprentice.nn.Transformable;

import java.util.Random;
import java.util.function.UnaryOperator;

/** 2-D convolution, square kernel, OIHW weights; the transform (if any) applies to the weight. */
public final class Conv2d extends Module implements Transformable {
    public final int inChannels, outChannels, kernel, stride, padding;
    private final Tensor weight;
    private final Tensor bias;
    private UnaryOperator<Tensor> weightTransform;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, Random rng) {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0)
            throw new IllegalArgumentException("bad Conv2d(" + inChannels + ", " + outChannels + ", k=" + kernel + ", s=" + stride + ", p=" + padding + ")");
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        int fanIn = inChannels * kernel * kernel;
        this.weight = parameter("weight", Init.kaimingNormal(rng, fanIn, outChannels, inChannels, kernel, kernel));
        this.bias = bias ? parameter("bias", Init.fanInUniform(rng, fanIn, outChannels)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor w = weightTransform == null ? weight : weightTransform.apply(weight);
        Tensor y = Conv.conv2d(x, w, bias, stride, padding);
        Trace.record(this, y, (long) y.size() / y.dim(0) * inChannels * kernel * kernel);
        return y;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public void setTransform(UnaryOperator<Tensor> transform) {
        this.weightTransform = transform;
    }

    @Override
    public UnaryOperator<Tensor> transform() {
        return weightTransform;
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + "→" + outChannels + ", " + kernel + "×" + kernel + ", stride " + stride + ", pad " + padding + (bias == null ? "" : ", bias") + ")";
    }
}
