package dev.apprentice.nn;

import dev.apprentice.engine.tensor.Tensor;

import java.util.Random;

/** Weight initialisations (deterministic for a seeded Random). */
public final class Init {
    private Init() {}

    /** He et al. normal init for ReLU nets: std = sqrt(2 / fanIn). */
    public static Tensor kaimingNormal(Random rng, int fanIn, int... shape) {
        return Tensor.randn(rng, (float) Math.sqrt(2.0 / fanIn), shape);
    }

    /** Uniform in ±1/sqrt(fanIn): PyTorch's default for Linear weights and biases. */
    public static Tensor fanInUniform(Random rng, int fanIn, int... shape) {
        float b = (float) (1.0 / Math.sqrt(fanIn));
        return Tensor.uniform(rng, -b, b, shape);
    }
}
