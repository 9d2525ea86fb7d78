package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.Conv;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.kernel.Elementwise;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Trace;

/**
 * Inference without a graph: convolution → batchnorm (eval mode) run as one convolution with the
 * batchnorm folded in, w' = w·γ/σ per output channel and bias b' = β − μ·γ/σ (σ = √(var + eps)), so
 * the normalization pass over the output disappears (the convolution adds its bias while copying
 * its result out); the block's relu, and the residual add before it, then run in place in one pass.
 *
 * <p>Used only where nobody can tell the difference but the last bits of rounding: batchnorm in
 * eval mode, no graph being recorded, no model summary watching (it wants every layer's event).
 * A weight transform (fake quantization) is applied before folding, and a relu replaced by a
 * quantized activation runs that replacement on the folded result, as the unfused layers would.
 */
public final class ConvBnEval {
    private ConvBnEval() {}

    /** Whether conv → bn may run fused now. */
    public static boolean applies(BatchNorm2d bn) {
        return !bn.training() && !GradMode.enabled() && !Trace.watched();
    }

    /** bn(conv(x)) with the batchnorm folded into the convolution; call only when {@link #applies}. */
    public static Tensor forward(Conv2d conv, BatchNorm2d bn, Tensor x) {
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
        return Conv.conv2d(x, Tensor.of(folded, w.shape()), Tensor.of(shift, o), conv.stride, conv.padding);
    }

    /** relu(y + residual) (residual may be null) on a tensor this caller owns, overwritten in place; a replaced relu runs its replacement. */
    public static Tensor addRelu(Tensor y, Tensor residual, ReLU relu) {
        if (residual != null && !java.util.Arrays.equals(y.shape(), residual.shape()))
            return relu.forward(y.add(residual));   // broadcasting: leave it to the general op
        if (relu.transform() != null) {
            if (residual != null) Elementwise.addInPlace(y.data(), residual.data(), 0, y.size());
            return relu.forward(y);
        }
        Elementwise.addRelu(y.data(), residual == null ? null : residual.data());
        return y;
    }
}
