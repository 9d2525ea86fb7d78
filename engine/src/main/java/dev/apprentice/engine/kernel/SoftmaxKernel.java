package dev.apprentice.engine.kernel;

/**
 * Softmax and log-softmax over contiguous rows, computed stably (max subtracted, sums in
 * double). Rows are the innermost axis of length n; there are rows of them back to back.
 */
public final class SoftmaxKernel {
    private SoftmaxKernel() {}

    /** out[r, :] = softmax(x[r, :]). */
    public static void softmax(float[] x, int rows, int n, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float max = rowMax(x, o, n);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(x[o + j] - max);
                out[o + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) out[o + j] *= inv;
        }
    }

    /** out[r, :] = log_softmax(x[r, :]) = x − max − log Σ exp(x − max). */
    public static void logSoftmax(float[] x, int rows, int n, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float max = rowMax(x, o, n);
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.exp(x[o + j] - max);
            float shift = max + (float) Math.log(sum);
            for (int j = 0; j < n; j++) out[o + j] = x[o + j] - shift;
        }
    }

    private static float rowMax(float[] x, int o, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, x[o + j]);
        // A row of all -inf would give NaN; treat it as uniform instead.
        return max == Float.NEGATIVE_INFINITY ? 0f : max;
    }
}
