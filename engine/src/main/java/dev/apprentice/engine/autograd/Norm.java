package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.BatchNormKernel;
import dev.apprentice.engine.kernel.Elementwise;
import dev.apprentice.engine.parallel.ReplicaSums;
import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;

/**
 * Batch normalization over the channels of NCHW tensors; in training mode over the global batch of a
 * data-parallel run when {@link ReplicaSums} are installed on the calling thread.
 */
public final class Norm {
    private Norm() {}

    /**
     * Training mode normalizes with the batch's statistics and updates the running ones
     * (PyTorch's momentum convention: r = (1 − m)·r + m·batch, unbiased variance); eval mode
     * normalizes with the running statistics and is a fixed affine map per channel.
     */
    public static Tensor batchNorm2d(Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar,
                                     boolean training, float momentum, float eps) {
        check("batchNorm2d", x, gamma, beta, runningMean, runningVar);
        int n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
        float[] y = StepArena.overwritten(x.size());
        if (!training) {
            BatchNormKernel.forwardEval(n, c, hw, x.data(), gamma.data(), beta.data(), eps, runningMean, runningVar, y);
            float[] scale = new float[c];
            for (int ch = 0; ch < c; ch++) scale[ch] = (float) (1.0 / Math.sqrt(runningVar[ch] + eps));
            return Tensor.result(y, x.shape(), "batch_norm_eval", dy -> evalBackward(n, c, hw, x, gamma, beta, runningMean, scale, dy), x, gamma, beta);
        }
        if (n * hw < 2) throw new IllegalArgumentException("batchNorm2d in training needs more than one value per channel, got input " + Shape.str(x.shape()));
        float[] mean = new float[c], invStd = new float[c];
        ReplicaSums replicas = ReplicaSums.current();
        BatchNormKernel.forwardTrain(n, c, hw, x.data(), gamma.data(), beta.data(), eps, momentum, runningMean, runningVar, y, mean, invStd,
                null, false, replicas);
        return Tensor.result(y, x.shape(), "batch_norm", dy -> {
            boolean add = x.grad() != null; // the first gradient is written, not added to zeros
            BatchNormKernel.backward(n, c, hw, x.data(), dy, null, gamma.data(), mean, invStd,
                    !x.requiresGrad() ? null : add ? x.grad() : x.newGrad(), add,
                    gamma.requiresGrad() ? gamma.gradBuffer() : null,
                    beta.requiresGrad() ? beta.gradBuffer() : null, replicas);
        }, x, gamma, beta);
    }

    /**
     * relu(batchNorm2d(x)) in training mode as one op: one pass writes the relu's output, and the
     * backward pass lets the gradient through where that output is positive while it computes the
     * batch-norm gradient, with no tensor or pass between the two. Same values as the two ops.
     */
    public static Tensor batchNorm2dRelu(Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar,
                                         float momentum, float eps) {
        return batchNorm2dAddRelu(x, gamma, beta, runningMean, runningVar, momentum, eps, null);
    }

    /**
     * relu(batchNorm2d(x) + residual) in training mode as one op (residual, of x's shape, may be
     * null): a residual block's end. The gradient that passes the relu goes to the batch norm and,
     * unchanged, to the residual, as the separate add would send it. Same values as the three ops.
     */
    public static Tensor batchNorm2dAddRelu(Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar,
                                            float momentum, float eps, Tensor residual) {
        check("batchNorm2dRelu", x, gamma, beta, runningMean, runningVar);
        if (residual != null && !java.util.Arrays.equals(residual.shape(), x.shape()))
            throw new IllegalArgumentException("batchNorm2dRelu: residual " + Shape.str(residual.shape()) + " does not match " + Shape.str(x.shape()));
        int n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
        if (n * hw < 2) throw new IllegalArgumentException("batchNorm2dRelu needs more than one value per channel, got input " + Shape.str(x.shape()));
        float[] y = StepArena.overwritten(x.size()), mean = new float[c], invStd = new float[c];
        ReplicaSums replicas = ReplicaSums.current();
        BatchNormKernel.forwardTrain(n, c, hw, x.data(), gamma.data(), beta.data(), eps, momentum, runningMean, runningVar, y, mean, invStd,
                residual == null ? null : residual.data(), true, replicas);
        return Tensor.result(y, x.shape(), residual == null ? "batch_norm_relu" : "batch_norm_add_relu", dy -> {
            boolean add = x.grad() != null; // first gradients are written, not added to zeros
            BatchNormKernel.backward(n, c, hw, x.data(), dy, y, gamma.data(), mean, invStd,
                    !x.requiresGrad() ? null : add ? x.grad() : x.newGrad(), add,
                    gamma.requiresGrad() ? gamma.gradBuffer() : null,
                    beta.requiresGrad() ? beta.gradBuffer() : null, replicas);
            if (residual != null && residual.requiresGrad()) {
                if (residual.grad() != null) Elementwise.reluBackward(y, dy, residual.grad());
                else Elementwise.reluBackwardInto(y, dy, residual.newGrad());
            }
        }, x, gamma, beta, residual);
    }

    private static void check(String op, Tensor x, Tensor gamma, Tensor beta, float[] runningMean, float[] runningVar) {
        if (x.rank() != 4) throw new IllegalArgumentException(op + " takes NCHW input, got " + Shape.str(x.shape()));
        int c = x.dim(1);
        for (Tensor p : new Tensor[] {gamma, beta})
            if (p.rank() != 1 || p.dim(0) != c)
                throw new IllegalArgumentException(op + ": parameter " + Shape.str(p.shape()) + " does not match " + c + " channels");
        if (runningMean.length != c || runningVar.length != c)
            throw new IllegalArgumentException(op + ": running statistics do not match " + c + " channels");
    }

    /** Eval mode: y = γ·(x − μ)·s + β with fixed μ, s, so gradients are per-channel affine. */
    private static void evalBackward(int n, int c, int hw, Tensor x, Tensor gamma, Tensor beta, float[] mu, float[] s, float[] dy) {
        float[] xd = x.data(), gd = gamma.data();
        float[] gx = x.requiresGrad() ? x.gradBuffer() : null;
        float[] gg = gamma.requiresGrad() ? gamma.gradBuffer() : null;
        float[] gb = beta.requiresGrad() ? beta.gradBuffer() : null;
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++) {
                int o = (i * c + ch) * hw;
                double sg = 0, sb = 0;
                for (int p = 0; p < hw; p++) {
                    float d = dy[o + p];
                    if (gx != null) gx[o + p] += d * gd[ch] * s[ch];
                    sg += (double) d * (xd[o + p] - mu[ch]) * s[ch];
                    sb += d;
                }
                if (gg != null) gg[ch] += (float) sg;
                if (gb != null) gb[ch] += (float) sb;
            }
    }
}
