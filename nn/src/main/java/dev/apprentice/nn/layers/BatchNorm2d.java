package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.Norm;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Trace;

/** Batch normalization per channel with running statistics for eval mode. */
public final class BatchNorm2d extends Module {
    public final int channels;
    public final float eps, momentum;
    private final Tensor gamma, beta, runningMean, runningVar;

    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    public BatchNorm2d(int channels, float eps, float momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.gamma = parameter("weight", Tensor.full(1f, channels));
        this.beta = parameter("bias", Tensor.zeros(channels));
        this.runningMean = buffer("running_mean", Tensor.zeros(channels));
        this.runningVar = buffer("running_var", Tensor.full(1f, channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = Norm.batchNorm2d(x, gamma, beta, runningMean.data(), runningVar.data(), training(), momentum, eps);
        Trace.record(this, y, 0);
        return y;
    }

    /**
     * relu(this(x)): in training mode, with a plain relu, one fused op ({@link Norm#batchNorm2dRelu});
     * otherwise the two layers one after the other (eval mode, or a relu replaced by a quantizer).
     */
    public Tensor forwardRelu(Tensor x, ReLU relu) {
        return forwardAddRelu(x, null, relu);
    }

    /** relu(this(x) + residual) (residual may be null), fused in training mode like {@link #forwardRelu}. */
    public Tensor forwardAddRelu(Tensor x, Tensor residual, ReLU relu) {
        if (!training() || relu.transform() != null || (residual != null && !java.util.Arrays.equals(residual.shape(), x.shape()))) {
            Tensor y = forward(x);
            return relu.forward(residual == null ? y : y.add(residual));
        }
        Tensor y = Norm.batchNorm2dAddRelu(x, gamma, beta, runningMean.data(), runningVar.data(), momentum, eps, residual);
        Trace.record(this, y, 0);
        Trace.record(relu, y, 0);
        return y;
    }

    public Tensor gamma() {
        return gamma;
    }

    public Tensor beta() {
        return beta;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
