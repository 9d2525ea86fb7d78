package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.MatMul;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Init;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Trace;
import dev.apprentice.nn.Transformable;

import java.util.Random;
import java.util.function.UnaryOperator;

/** Fully connected layer y = x·Wᵀ + b; the transform (if any) applies to the weight. */
public final class Linear extends Module implements Transformable {
    public final int inFeatures, outFeatures;
    private final Tensor weight;
    private final Tensor bias;
    private UnaryOperator<Tensor> weightTransform;

    public Linear(int inFeatures, int outFeatures, boolean bias, Random rng) {
        if (inFeatures < 1 || outFeatures < 1) throw new IllegalArgumentException("bad Linear(" + inFeatures + ", " + outFeatures + ")");
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", Init.fanInUniform(rng, inFeatures, outFeatures, inFeatures));
        this.bias = bias ? parameter("bias", Init.fanInUniform(rng, inFeatures, outFeatures)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor w = weightTransform == null ? weight : weightTransform.apply(weight);
        Tensor y = MatMul.linear(x, w, bias);
        Trace.record(this, y, (long) inFeatures * outFeatures);
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
        return "Linear(" + inFeatures + "→" + outFeatures + (bias == null ? "" : ", bias") + ")";
    }
}
