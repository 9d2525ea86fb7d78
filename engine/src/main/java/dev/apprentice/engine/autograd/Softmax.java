package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.SoftmaxKernel;
import dev.apprentice.engine.tensor.Tensor;

/** Softmax and log-softmax over the last axis. */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor a) {
        int n = lastDim(a), rows = a.size() / Math.max(1, n);
        float[] y = new float[a.size()];
        SoftmaxKernel.softmax(a.data(), rows, n, y);
        return Tensor.result(y, a.shape(), "softmax", g -> {
            // dx = y ⊙ (g − Σ g·y) per row
            float[] ga = a.gradBuffer();
            for (int r = 0; r < rows; r++) {
                int o = r * n;
                double dot = 0;
                for (int j = 0; j < n; j++) dot += (double) g[o + j] * y[o + j];
                for (int j = 0; j < n; j++) ga[o + j] += y[o + j] * (g[o + j] - (float) dot);
            }
        }, a);
    }

    public static Tensor logSoftmax(Tensor a) {
        int n = lastDim(a), rows = a.size() / Math.max(1, n);
        float[] y = new float[a.size()];
        SoftmaxKernel.logSoftmax(a.data(), rows, n, y);
        return Tensor.result(y, a.shape(), "log_softmax", g -> {
            // dx = g − softmax · Σ g per row
            float[] ga = a.gradBuffer();
            for (int r = 0; r < rows; r++) {
                int o = r * n;
                double sum = 0;
                for (int j = 0; j < n; j++) sum += g[o + j];
                for (int j = 0; j < n; j++) ga[o + j] += g[o + j] - (float) Math.exp(y[o + j]) * (float) sum;
            }
        }, a);
    }

    static int lastDim(Tensor a) {
        if (a.rank() < 1) throw new IllegalArgumentException("softmax needs rank >= 1");
        return a.dim(-1);
    }
}
