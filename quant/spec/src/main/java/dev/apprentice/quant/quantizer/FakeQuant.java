package dev.apprentice.quant.quantizer;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.quant.WeightQuantizer;

/**
 * Quantization as autograd ops: the forward pass rounds, the backward pass lets the gradient
 * through unchanged where the input lies inside the quantizer's range (the straight-through
 * estimator), which is what lets a low-precision network train.
 */
public final class FakeQuant {
    private FakeQuant() {}

    /** Weights (dimension 0 = output channels) replaced by their quantized values. */
    public static Tensor weights(Tensor w, WeightQuantizer quantizer) {
        int rows = w.dim(0), k = w.size() / rows;
        float[] x = w.data();
        float[] out = quantizer.codes(x, rows, k).values();
        return Tensor.result(out, w.shape(), "quantize_w" + quantizer.bits(), g -> {
            float[] gw = w.gradBuffer();
            for (int i = 0; i < g.length; i++) if (quantizer.passesGradient(x[i])) gw[i] += g[i];
        }, w);
    }

    /** Activations clamped to [0, 1] and rounded to 2^bits − 1 levels (this replaces the ReLU). */
    public static Tensor activations(Tensor x, int bits) {
        if (bits < 1 || bits > 16) throw new IllegalArgumentException("activation bits must be in 1..16, got " + bits);
        float[] in = x.data();
        float[] out = new float[in.length];
        ActivationKernel.quantize(in, (1 << bits) - 1, out);
        return Tensor.result(out, x.shape(), "quantize_a" + bits, g -> ActivationKernel.backward(in, g, x.gradBuffer()), x);
    }
}
