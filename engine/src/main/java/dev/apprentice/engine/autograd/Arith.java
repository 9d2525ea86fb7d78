package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.Elementwise;
import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;

import java.util.Arrays;

/** Element-wise arithmetic with broadcasting, scalar ops and pointwise functions. */
public final class Arith {
    private Arith() {}

    private enum Bin { ADD, SUB, MUL, DIV }

    public static Tensor add(Tensor a, Tensor b) {
        return binary(a, b, Bin.ADD);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(a, b, Bin.SUB);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(a, b, Bin.MUL);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(a, b, Bin.DIV);
    }

    private static Tensor binary(Tensor a, Tensor b, Bin op) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        int n = Shape.size(shape);
        float[] ad = a.data(), bd = b.data();
        boolean same = a.size() == n && b.size() == n;
        // Same-shape operands take the vector kernels; broadcast ones go through an index map.
        int[] am = same ? null : Broadcast.indexMap(a.shape(), shape);
        int[] bm = same ? null : Broadcast.indexMap(b.shape(), shape);
        float[] out = StepArena.overwritten(n);
        if (same) {
            switch (op) {
                case ADD -> Elementwise.add(ad, bd, out);
                case SUB -> Elementwise.sub(ad, bd, out);
                case MUL -> Elementwise.mul(ad, bd, out);
                case DIV -> Elementwise.div(ad, bd, out);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = ad[am[i]], y = bd[bm[i]];
                out[i] = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> x / y;
                };
            }
        }
        return Tensor.result(out, shape, op.name().toLowerCase(), g -> {
            if (a.requiresGrad()) {
                float[] ga = StepArena.overwritten(n);
                switch (op) {
                    case ADD, SUB -> System.arraycopy(g, 0, ga, 0, n);
                    case MUL -> { for (int i = 0; i < n; i++) ga[i] = g[i] * bd[same ? i : bm[i]]; }
                    case DIV -> { for (int i = 0; i < n; i++) ga[i] = g[i] / bd[same ? i : bm[i]]; }
                }
                addReduced(a, ga, am);
            }
            if (b.requiresGrad()) {
                float[] gb = StepArena.overwritten(n);
                switch (op) {
                    case ADD -> System.arraycopy(g, 0, gb, 0, n);
                    case SUB -> { for (int i = 0; i < n; i++) gb[i] = -g[i]; }
                    case MUL -> { for (int i = 0; i < n; i++) gb[i] = g[i] * ad[same ? i : am[i]]; }
                    case DIV -> {
                        for (int i = 0; i < n; i++) {
                            float y = bd[same ? i : bm[i]];
                            gb[i] = -g[i] * ad[same ? i : am[i]] / (y * y);
                        }
                    }
                }
                addReduced(b, gb, bm);
            }
        }, a, b);
    }

    /** Adds an output-shaped gradient to t, summing over the dimensions t was broadcast along. */
    private static void addReduced(Tensor t, float[] g, int[] map) {
        if (map == null) {
            t.accumulateGrad(g);
        } else {
            Broadcast.scatterAdd(g, map, t.gradBuffer());
        }
    }

    /** a * s + t, element-wise, for scalars s and t. */
    public static Tensor affine(Tensor a, float s, float t) {
        float[] out = StepArena.overwritten(a.size());
        Elementwise.affine(a.data(), s, t, out);
        return Tensor.result(out, a.shape(), "affine", g -> {
            float[] ga = StepArena.overwritten(g.length);
            Elementwise.affine(g, s, 0f, ga);
            a.accumulateGrad(ga);
        }, a);
    }

    public static Tensor addScalar(Tensor a, float s) {
        return affine(a, 1f, s);
    }

    public static Tensor mulScalar(Tensor a, float s) {
        return affine(a, s, 0f);
    }

    public static Tensor neg(Tensor a) {
        return affine(a, -1f, 0f);
    }

    public static Tensor relu(Tensor a) {
        float[] out = StepArena.overwritten(a.size());
        Elementwise.relu(a.data(), out);
        return Tensor.result(out, a.shape(), "relu", g -> Elementwise.reluBackward(out, g, a.gradBuffer()), a);
    }

    /** min(max(a, lo), hi); the gradient passes where lo <= a <= hi (bounds included, as PyTorch). */
    public static Tensor clamp(Tensor a, float lo, float hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("clamp needs lo <= hi, got " + lo + " > " + hi);
        float[] x = a.data();
        float[] out = StepArena.overwritten(x.length);
        Elementwise.clamp(x, lo, hi, out);
        return Tensor.result(out, a.shape(), "clamp", g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) if (x[i] >= lo && x[i] <= hi) ga[i] += g[i];
        }, a);
    }

    /**
     * Rounds to the nearest integer, ties to even (as torch.round), with a straight-through
     * gradient: backward treats it as the identity, which is what lets quantizers train.
     */
    public static Tensor roundSte(Tensor a) {
        float[] x = a.data();
        float[] out = StepArena.overwritten(x.length);
        for (int i = 0; i < x.length; i++) out[i] = (float) Math.rint(x[i]);
        return Tensor.result(out, a.shape(), "round_ste", a::accumulateGrad, a);
    }

    public static Tensor exp(Tensor a) {
        float[] x = a.data();
        float[] out = StepArena.overwritten(x.length);
        for (int i = 0; i < x.length; i++) out[i] = (float) Math.exp(x[i]);
        return Tensor.result(out, a.shape(), "exp", g -> {
            float[] ga = StepArena.overwritten(g.length);
            Elementwise.mul(g, out, ga);
            a.accumulateGrad(ga);
        }, a);
    }

    /** Natural log; log of a non-positive value gives -inf/NaN, as in IEEE arithmetic. */
    public static Tensor log(Tensor a) {
        float[] x = a.data();
        float[] out = StepArena.overwritten(x.length);
        for (int i = 0; i < x.length; i++) out[i] = (float) Math.log(x[i]);
        return Tensor.result(out, a.shape(), "log", g -> {
            float[] ga = StepArena.overwritten(g.length);
            Elementwise.div(g, x, ga);
            a.accumulateGrad(ga);
        }, a);
    }

    /** Element-wise square, a common building block (e.g. L2 penalties). */
    public static Tensor square(Tensor a) {
        float[] x = a.data();
        float[] out = StepArena.overwritten(x.length);
        Elementwise.mul(x, x, out);
        return Tensor.result(out, a.shape(), "square", g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) ga[i] += 2f * x[i] * g[i];
        }, a);
    }

    static String shapes(Tensor a, Tensor b) {
        return Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape());
    }
}
