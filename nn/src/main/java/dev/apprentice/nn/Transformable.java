package dev.apprentice.nn;

import dev.apprentice.engine.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * A layer whose weight or output can be passed through a function installed from outside —
 * the seam through which quantization-aware training wraps a model without changing its code.
 */
public interface Transformable {
    /** Sets the function applied to the tensor this layer exposes (null = identity). */
    void setTransform(UnaryOperator<Tensor> transform);

    UnaryOperator<Tensor> transform();
}
