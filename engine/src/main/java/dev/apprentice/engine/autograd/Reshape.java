package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.Tensor;

/** Views of the same contiguous data under another shape. */
public final class Reshape {
    private Reshape() {}

    /** Same data, new shape; one dimension may be -1 (inferred). */
    public static Tensor reshape(Tensor a, int... shape) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape " + Shape.str(shape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || a.size() % known != 0)
                throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape()) + " to " + Shape.str(shape));
            s[infer] = (int) (a.size() / known);
        }
        if (Shape.size(s) != a.size())
            throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape()) + " (" + a.size() + " values) to " + Shape.str(shape));
        // Data is shared: the gradient has the same layout, only the shape differs.
        return Tensor.result(a.data(), s, "reshape", a::accumulateGrad, a);
    }

    /** Keeps the first dimension and flattens the rest: N×C×H×W → N×(C·H·W). */
    public static Tensor flatten(Tensor a) {
        if (a.rank() < 1) throw new IllegalArgumentException("flatten needs rank >= 1");
        return reshape(a, a.dim(0), -1);
    }
}
