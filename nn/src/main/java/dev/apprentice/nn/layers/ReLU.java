package dev.apprentice.nn.layers;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Trace;
import dev.apprentice.nn.Transformable;

import java.util.function.UnaryOperator;

/**
 * Rectifier. A transform, if installed, replaces it entirely (it receives the pre-activation),
 * which is how a quantized activation (clamp to [0, 1] and round) takes its place.
 */
public final class ReLU extends Module implements Transformable {
    private UnaryOperator<Tensor> replacement;

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = replacement == null ? x.relu() : replacement.apply(x);
        Trace.record(this, y, 0);
        return y;
    }

    @Override
    public void setTransform(UnaryOperator<Tensor> transform) {
        this.replacement = transform;
    }

    @Override
    public UnaryOperator<Tensor> transform() {
        return replacement;
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
