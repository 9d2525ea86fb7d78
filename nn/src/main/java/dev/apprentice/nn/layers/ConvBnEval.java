package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.Conv;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.kernel.Elementwise;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Trace;

/**
 * Inference without a graph: convolution → batchnorm (eval mode) → (+ residual) → relu run as one
 * convolution with the batchnorm folded in, w' = w·γ/σ per output channel and bias b' = β − μ·γ/σ
 * (σ = √(var + eps)), and the bias, residual and relu applied while each image's result is copied
 * out ({@link Conv#conv2dInference}): no separate passes over the activations.
 *
 * <p>Used only where nobody can tell the difference but the last bits of rounding: batchnorm in
 * eval mode, no graph being recorded, no model summary watching (it wants every layer's event).
 * A weight transform (fake quantization) is applied before folding, and a relu replaced by a
 * quantized activation runs that replacement on the folded result, as the unfused layers would.
 */
public final class ConvBnEval {
    private ConvBnEval() {}

    /** Whether conv → bn may run fused now, for every one of the given batchnorms (null entries ignored). */
    public static boolean applies(BatchNorm2d... bns) {
        if (GradMode.enabled() || Trace.watched()) return false;
        for (BatchNorm2d bn : bns) if (bn != null && bn.training()) return false;
        return true;
    }

    /**
     * relu(bn(conv(x)) + residual) with the batchnorm folded into the convolution and the rest
     * applied as its output is written (residual and relu may be null); call only when
     * {@link #applies}. A relu replaced by a quantized activation runs that replacement after.
     */
    public static Tensor forward(Conv2d conv, BatchNorm2d bn, Tensor x, Tensor residual, ReLU relu) {
        Tensor w = conv.transform() == null ? conv.weight() : conv.transform().apply(conv.weight());
        int o = conv.outChannels, perChannel = w.size() / o;
        float[] folded = w.data().clone(), shift = new float[o];
        float[] gamma = bn.gamma().data(), beta = bn.beta().data(), mean = bn.runningMean().data(), var = bn.runningVar().data();
        float[] convBias = conv.bias() == null ? null : conv.bias().data();
        for (int c = 0; c < o; c++) {
            double scale = gamma[c] / Math.sqrt((double) var[c] + bn.eps);
            shift[c] = (float) (beta[c] + ((convBias == null ? 0 : convBias[c]) - mean[c]) * scale);
            Elementwise.scaleInPlace(folded, c * perChannel, perChannel, (float) scale);
        }
        boolean plainRelu = relu != null && relu.transform() == null;
        Tensor y = Conv.conv2dInference(x, Tensor.of(folded, w.shape()), Tensor.of(shift, o), conv.stride, conv.padding, residual, plainRelu);
        return relu == null || plainRelu ? y : relu.forward(y);
    }
}
