package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;

/**
 * How a tensor was computed: its inputs and the function that, given the gradient of the
 * output, adds the gradients of the inputs (only to inputs that require them).
 */
public record Node(String op, Tensor[] inputs, Backward backward) {

    /** Propagates gradOut (the gradient of this node's output) to the inputs. */
    @FunctionalInterface
    public interface Backward {
        void run(float[] gradOut);
    }
}
