package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.Pool2dKernel;
import dev.apprentice.engine.kernel.PoolGeometry;
import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;

/** Max, average and global average pooling over NCHW tensors. */
public final class Pool {
    private Pool() {}

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int pad) {
        PoolGeometry g = geometry(x, kernel, stride, pad);
        float[] y = StepArena.overwritten(g.batch() * g.channels() * g.outH() * g.outW());
        int[] argmax = new int[y.length];
        Pool2dKernel.maxForward(g, x.data(), y, argmax);
        return Tensor.result(y, outShape(g), "max_pool2d", dy -> Pool2dKernel.maxBackward(g, dy, argmax, x.gradBuffer()), x);
    }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int pad) {
        PoolGeometry g = geometry(x, kernel, stride, pad);
        float[] y = StepArena.overwritten(g.batch() * g.channels() * g.outH() * g.outW());
        Pool2dKernel.avgForward(g, x.data(), y);
        return Tensor.result(y, outShape(g), "avg_pool2d", dy -> Pool2dKernel.avgBackward(g, dy, x.gradBuffer()), x);
    }

    /** Mean over H and W: N×C×H×W → N×C. */
    public static Tensor globalAvgPool(Tensor x) {
        requireNchw(x);
        int n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
        float[] y = new float[n * c];
        Pool2dKernel.globalAvgForward(n, c, hw, x.data(), y);
        return Tensor.result(y, new int[] {n, c}, "global_avg_pool", dy -> Pool2dKernel.globalAvgBackward(n, c, hw, dy, x.gradBuffer()), x);
    }

    private static PoolGeometry geometry(Tensor x, int kernel, int stride, int pad) {
        requireNchw(x);
        return PoolGeometry.of(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernel, stride, pad);
    }

    private static int[] outShape(PoolGeometry g) {
        return new int[] {g.batch(), g.channels(), g.outH(), g.outW()};
    }

    private static void requireNchw(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException("pooling takes NCHW input, got " + Shape.str(x.shape()));
    }
}
