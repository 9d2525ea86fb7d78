package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares the gradients that backward() computes with central finite differences of the
 * scalar L = Σ r·f(inputs), r a fixed random projection (so every output element matters).
 * L is accumulated in double; the engine itself is float32, so step and tolerance are chosen
 * for float32 forward passes: a wrong gradient is off by O(1), rounding by ~1e-3.
 */
final class GradCheck {
    private final Function<Tensor[], Tensor> f;
    private double h = 1e-2;
    private double rtol = 2e-2;
    private double atol = 2e-3;
    private int maxChecksPerInput = 80;

    private GradCheck(Function<Tensor[], Tensor> f) {
        this.f = f;
    }

    static GradCheck of(Function<Tensor[], Tensor> f) {
        return new GradCheck(f);
    }

    GradCheck step(double step) {
        this.h = step;
        return this;
    }

    GradCheck tolerance(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
        return this;
    }

    /** Checks d L / d input for every input that requires grad. */
    void check(Tensor... inputs) {
        Random rng = new Random(7);
        Tensor out = f.apply(inputs);
        float[] r = new float[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) (rng.nextGaussian());
        for (Tensor in : inputs) if (in.requiresGrad()) in.zeroGrad();
        out.backward(r);
        for (int t = 0; t < inputs.length; t++) {
            Tensor in = inputs[t];
            if (!in.requiresGrad()) continue;
            float[] analytic = in.grad();
            if (analytic == null) fail("input " + t + " received no gradient");
            float[] x = in.data();
            int n = x.length;
            int stride = Math.max(1, n / maxChecksPerInput);
            for (int j = (stride > 1 ? rng.nextInt(stride) : 0); j < n; j += stride) {
                float saved = x[j];
                x[j] = (float) (saved + h);
                double up = projected(inputs, r);
                x[j] = (float) (saved - h);
                double down = projected(inputs, r);
                x[j] = saved;
                double numeric = (up - down) / (2 * h);
                double a = analytic[j];
                if (Math.abs(a - numeric) > atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)))
                    fail(String.format("input %d element %d: analytic %.6g vs numeric %.6g", t, j, a, numeric));
            }
        }
    }

    private double projected(Tensor[] inputs, float[] r) {
        try (var s = GradMode.off()) {
            Tensor y = f.apply(inputs);
            double l = 0;
            float[] d = y.data();
            for (int i = 0; i < d.length; i++) l += (double) r[i] * d[i];
            return l;
        }
    }

    /** A leaf with standard-normal values that requires grad. */
    static Tensor param(Random rng, int... shape) {
        return Tensor.randn(rng, 1f, shape).requireGrad();
    }

    /** A leaf whose values stay at least margin away from every point in kinks (for relu, clamp, round...). */
    static Tensor awayFrom(Random rng, float[] kinks, float margin, float spread, int... shape) {
        Tensor t = Tensor.randn(rng, spread, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            for (float k : kinks) {
                if (Math.abs(d[i] - k) < margin) d[i] = k + (d[i] >= k ? margin : -margin) * 1.5f;
            }
        }
        return t.requireGrad();
    }
}
