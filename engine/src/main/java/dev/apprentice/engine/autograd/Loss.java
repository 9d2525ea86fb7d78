package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.SoftmaxKernel;
import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.Tensor;

/** Cross entropy of logits (N×C) against hard labels or soft targets, averaged over N. */
public final class Loss {
    private Loss() {}

    /** mean over rows of −log softmax(logits)[label]; fused so the gradient is (p − onehot)/N. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        int n = rows(logits), c = logits.dim(1);
        if (labels.length != n)
            throw new IllegalArgumentException(labels.length + " labels for " + n + " rows of logits");
        for (int i = 0; i < n; i++)
            if (labels[i] < 0 || labels[i] >= c)
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is outside [0, " + c + ")");
        float[] logp = new float[n * c];
        SoftmaxKernel.logSoftmax(logits.data(), n, c, logp);
        double loss = 0;
        for (int i = 0; i < n; i++) loss -= logp[i * c + labels[i]];
        return Tensor.result(new float[] {(float) (loss / n)}, new int[0], "cross_entropy", g -> {
            float[] gl = logits.gradBuffer();
            float s = g[0] / n;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < c; j++) {
                    float p = (float) Math.exp(logp[i * c + j]);
                    gl[i * c + j] += s * (j == labels[i] ? p - 1f : p);
                }
        }, logits);
    }

    /**
     * mean over rows of −Σ_j target[i,j] · log softmax(logits)[i,j]: the cross entropy against a
     * probability distribution (targets need not be normalized; rows summing to 1 is the usual case).
     * Gradients flow to the logits and, if it requires them, to the targets; detach a teacher's
     * targets to keep them out of the graph.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        int n = rows(logits), c = logits.dim(1);
        if (!logits.sameShape(targets))
            throw new IllegalArgumentException("soft targets " + Shape.str(targets.shape()) + " do not match logits " + Shape.str(logits.shape()));
        float[] logp = new float[n * c];
        SoftmaxKernel.logSoftmax(logits.data(), n, c, logp);
        float[] t = targets.data();
        double loss = 0;
        for (int i = 0; i < n * c; i++) if (t[i] != 0) loss -= (double) t[i] * logp[i];
        return Tensor.result(new float[] {(float) (loss / n)}, new int[0], "soft_cross_entropy", g -> {
            float s = g[0] / n;
            if (logits.requiresGrad()) {
                float[] gl = logits.gradBuffer();
                for (int i = 0; i < n; i++) {
                    double tsum = 0;
                    for (int j = 0; j < c; j++) tsum += t[i * c + j];
                    for (int j = 0; j < c; j++) {
                        int k = i * c + j;
                        gl[k] += s * ((float) Math.exp(logp[k]) * (float) tsum - t[k]);
                    }
                }
            }
            if (targets.requiresGrad()) {
                float[] gt = targets.gradBuffer();
                for (int k = 0; k < n * c; k++) gt[k] -= s * logp[k];
            }
        }, logits, targets);
    }

    private static int rows(Tensor logits) {
        if (logits.rank() != 2)
            throw new IllegalArgumentException("cross entropy takes logits of shape N×C, got " + Shape.str(logits.shape()));
        return logits.dim(0);
    }
}
