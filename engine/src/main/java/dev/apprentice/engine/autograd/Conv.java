package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.Conv2dKernel;
import dev.apprentice.engine.kernel.ConvGeometry;
import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;

/** 2-D convolution over NCHW input with OIHW weights. */
public final class Conv {
    private Conv() {}

    /** Square stride and padding; bias may be null. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return conv2d(x, w, bias, stride, stride, pad, pad);
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW) {
        ConvGeometry g = geometry(x, w, bias, strideH, strideW, padH, padW);
        float[] y = StepArena.overwritten(g.batch() * g.outChannels() * g.outH() * g.outW());
        Conv2dKernel.forward(g, x.data(), w.data(), bias == null ? null : bias.data(), y);
        int[] shape = {g.batch(), g.outChannels(), g.outH(), g.outW()};
        return Tensor.result(y, shape, "conv2d", dy -> {
            boolean add = x.grad() != null; // the first gradient is written, not added to zeros
            if (x.requiresGrad() && w.requiresGrad())
                Conv2dKernel.backward(g, x.data(), dy, w.data(), add ? x.grad() : x.newGrad(), add, w.gradBuffer());
            else {
                if (x.requiresGrad()) Conv2dKernel.backwardData(g, dy, w.data(), add ? x.grad() : x.newGrad(), add);
                if (w.requiresGrad()) Conv2dKernel.backwardWeights(g, x.data(), dy, w.gradBuffer());
            }
            if (bias != null && bias.requiresGrad()) Conv2dKernel.backwardBias(g, dy, bias.gradBuffer());
        }, x, w, bias);
    }

    /**
     * Inference: relu?(conv2d(x, w) + bias + residual) with the additions and relu applied while
     * each image's result is in cache. Records no graph, so only for callers that need no
     * gradient (grad mode off). bias and residual may be null; residual has the output's shape.
     */
    public static Tensor conv2dInference(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor residual, boolean relu) {
        if (GradMode.enabled()) throw new IllegalStateException("conv2dInference records no graph: call it with grad mode off");
        ConvGeometry g = geometry(x, w, bias, stride, stride, pad, pad);
        int[] shape = {g.batch(), g.outChannels(), g.outH(), g.outW()};
        if (residual != null && !java.util.Arrays.equals(residual.shape(), shape))
            throw new IllegalArgumentException("conv2dInference: residual " + Shape.str(residual.shape()) + " does not match the output " + Shape.str(shape));
        float[] y = StepArena.overwritten(g.batch() * g.outChannels() * g.outH() * g.outW());
        Conv2dKernel.forward(g, x.data(), w.data(), bias == null ? null : bias.data(), residual == null ? null : residual.data(), relu, y);
        return Tensor.of(y, shape);
    }

    private static ConvGeometry geometry(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW) {
        if (x.rank() != 4 || w.rank() != 4)
            throw new IllegalArgumentException("conv2d takes NCHW input and OIHW weights, got " + Arith.shapes(x, w));
        if (x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("conv2d: input has " + x.dim(1) + " channels, weights expect " + w.dim(1) + " " + Shape.str(w.shape()));
        ConvGeometry g = new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0),
                w.dim(2), w.dim(3), strideH, strideW, padH, padW);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != g.outChannels()))
            throw new IllegalArgumentException("conv2d: bias " + Shape.str(bias.shape()) + " does not match " + g.outChannels() + " output channels");
        return g;
    }
}
