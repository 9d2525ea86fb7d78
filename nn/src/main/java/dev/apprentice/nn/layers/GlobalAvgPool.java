package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.Pool;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Trace;

/** Mean over each channel's plane: N×C×H×W → N×C (pooling and flatten in one). */
public final class GlobalAvgPool extends Module {
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = Pool.globalAvgPool(x);
        Trace.record(this, y, 0);
        return y;
    }

    @Override
    public String toString() {
        return "GlobalAvgPool";
    }
}
