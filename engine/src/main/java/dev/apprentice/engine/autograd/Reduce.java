package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.Tensor;

/** Sums and means over chosen axes (in double precision, in a fixed order). */
public final class Reduce {
    private Reduce() {}

    /** Sum of all elements, a scalar tensor. */
    public static Tensor sum(Tensor a) {
        return over(a, allAxes(a.rank()), false, false);
    }

    /** Mean of all elements, a scalar tensor. */
    public static Tensor mean(Tensor a) {
        return over(a, allAxes(a.rank()), false, true);
    }

    /** Sum over the given axes; keepDim leaves them as size 1. */
    public static Tensor sum(Tensor a, boolean keepDim, int... axes) {
        return over(a, axes, keepDim, false);
    }

    /** Mean over the given axes; keepDim leaves them as size 1. */
    public static Tensor mean(Tensor a, boolean keepDim, int... axes) {
        return over(a, axes, keepDim, true);
    }

    private static int[] allAxes(int rank) {
        int[] ax = new int[rank];
        for (int i = 0; i < rank; i++) ax[i] = i;
        return ax;
    }

    private static Tensor over(Tensor a, int[] axes, boolean keepDim, boolean mean) {
        int[] in = a.shape();
        boolean[] reduced = new boolean[in.length];
        for (int ax : axes) {
            int r = Shape.axis(ax, in.length);
            if (reduced[r]) throw new IllegalArgumentException("axis " + ax + " given twice");
            reduced[r] = true;
        }
        int[] kept = in.clone();
        int outRank = 0;
        long count = 1;
        for (int i = 0; i < in.length; i++) {
            if (reduced[i]) {
                count *= in[i];
                kept[i] = 1;
            } else {
                outRank++;
            }
        }
        int[] outShape = keepDim ? kept : new int[outRank];
        if (!keepDim) for (int i = 0, j = 0; i < in.length; i++) if (!reduced[i]) outShape[j++] = in[i];

        int[] map = Broadcast.indexMap(kept, in);
        float[] x = a.data();
        double[] acc = new double[Shape.size(kept)];
        for (int i = 0; i < x.length; i++) acc[map[i]] += x[i];
        float scale = mean ? (count == 0 ? Float.NaN : 1f / count) : 1f;
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (mean ? acc[i] / count : acc[i]);
        return Tensor.result(out, outShape, mean ? "mean" : "sum", g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < ga.length; i++) ga[i] += g[map[i]] * scale;
        }, a);
    }
}
