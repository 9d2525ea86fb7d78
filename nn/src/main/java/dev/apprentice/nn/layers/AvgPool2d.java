package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.Pool;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Trace;

/** Average pooling with a square window (padding counts as zeros). */
public final class AvgPool2d extends Module {
    public final int kernel, stride, padding;

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = Pool.avgPool2d(x, kernel, stride, padding);
        Trace.record(this, y, 0);
        return y;
    }

    @Override
    public String toString() {
        return "AvgPool2d(" + kernel + ", stride " + stride + ", pad " + padding + ")";
    }
}
