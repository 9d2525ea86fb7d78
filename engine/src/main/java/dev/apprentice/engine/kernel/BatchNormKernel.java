package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.parallel.ReplicaSums;

import java.util.function.IntConsumer;

/**
 * Batch normalization over N×C×hw data, statistics per channel over N·hw values.
 *
 * <p>Numerics: sums run in float vector lanes over short blocks that are added in double; the
 * variance is a second pass over deviations from the first-pass mean (which also corrects the
 * mean), so a large mean does not cancel the variance away. Channels are independent tasks, each summing its planes in order,
 * so results are bit-identical for any thread count. gamma and beta may be null (1 and 0).
 */
public final class BatchNormKernel {
    private BatchNormKernel() {}

    /**
     * Training mode: normalizes with batch statistics per channel over N·H·W; saves mean and
     * 1/sqrt(var+eps) (biased var) for backward; updates running stats PyTorch-style:
     * r = (1−momentum)·r + momentum·batch, with the UNBIASED variance (count/(count−1)) for
     * runningVar. runningMean/runningVar may be null (no update); so may saveMean/saveInvStd.
     */
    public static void forwardTrain(int batch, int channels, int hw, float[] x, float[] gamma, float[] beta,
                                    float eps, float momentum, float[] runningMean, float[] runningVar,
                                    float[] y, float[] saveMean, float[] saveInvStd) {
        forwardTrain(batch, channels, hw, x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd, null, false);
    }

    /**
     * {@link #forwardTrain}, then, in the same pass, y = max(y + residual, 0) when relu (residual,
     * of y's shape, may be null; it needs relu).
     */
    public static void forwardTrain(int batch, int channels, int hw, float[] x, float[] gamma, float[] beta,
                                    float eps, float momentum, float[] runningMean, float[] runningVar,
                                    float[] y, float[] saveMean, float[] saveInvStd, float[] residual, boolean relu) {
        forwardTrain(batch, channels, hw, x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean, saveInvStd, residual, relu, null);
    }

    /**
     * {@link #forwardTrain} with the statistics of the global batch when replicas is not null: each
     * replica holds a shard of it (x), and the per-channel sums and counts are summed over the
     * replicas between the passes, so every replica normalizes with the same mean and variance.
     */
    public static void forwardTrain(int batch, int channels, int hw, float[] x, float[] gamma, float[] beta,
                                    float eps, float momentum, float[] runningMean, float[] runningVar,
                                    float[] y, float[] saveMean, float[] saveInvStd, float[] residual, boolean relu, ReplicaSums replicas) {
        if (residual != null && !relu) throw new IllegalArgumentException("a residual is added only before a relu");
        if (residual != null) checkData("residual", residual, batch, channels, hw);
        checkShape(batch, channels, hw);
        long count = (long) batch * hw;
        if (count < 2)
            throw new IllegalArgumentException("batch norm in training mode needs more than 1 value per channel, got " + count);
        checkData("x", x, batch, channels, hw);
        checkData("y", y, batch, channels, hw);
        checkParams(channels, gamma, beta, runningMean, runningVar);
        KernelChecks.optionalLength("saveMean", saveMean, channels);
        KernelChecks.optionalLength("saveInvStd", saveInvStd, channels);
        checkEps(eps);
        final int stride = channels * hw;
        // three passes per channel: Σx (and the count), then the deviations around the first-pass mean m, which
        // correct it and give the variance without cancellation (with d = x − m: mean = m + Σd/count,
        // var = Σd²/count − (Σd/count)²), then the normalization
        double[] sums = new double[channels + 1];
        sums[channels] = count;
        float[] firstMean = new float[channels];
        double[] deviations = new double[2 * channels];
        IntConsumer sum = c -> {
            double s = 0;
            for (int n = 0; n < batch; n++) s += KernelVectors.sum(x, n * stride + c * hw, hw);
            sums[c] = s;
        };
        IntConsumer deviate = c -> {
            firstMean[c] = (float) (sums[c] / sums[channels]);
            double[] dev = new double[2];
            for (int n = 0; n < batch; n++) KernelVectors.addDeviationSums(x, n * stride + c * hw, hw, firstMean[c], dev);
            deviations[2 * c] = dev[0];
            deviations[2 * c + 1] = dev[1];
        };
        IntConsumer finish = c -> {
            double total = sums[channels], shift = deviations[2 * c] / total, mean = firstMean[c] + shift;
            double var = Math.max(0, deviations[2 * c + 1] / total - shift * shift);
            double invStd = 1 / Math.sqrt(var + eps);
            normalize(batch, stride, hw, c, x, y, mean, invStd, gamma, beta, residual, relu);
            if (saveMean != null) saveMean[c] = (float) mean;
            if (saveInvStd != null) saveInvStd[c] = (float) invStd;
            if (runningMean != null) runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + (double) momentum * mean);
            if (runningVar != null)
                runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + (double) momentum * var * total / (total - 1));
        };
        if (replicas == null) {   // one process: a channel's three passes while its values are in cache
            Parallel.forEach(channels, c -> {
                sum.accept(c);
                deviate.accept(c);
                finish.accept(c);
            });
            return;
        }
        Parallel.forEach(channels, sum);   // replicas: each pass over every channel, the replicas' sums added between
        replicas.sum(sums);
        Parallel.forEach(channels, deviate);
        replicas.sum(deviations);
        Parallel.forEach(channels, finish);
    }

    /** Eval mode: normalizes with the running statistics. */
    public static void forwardEval(int batch, int channels, int hw, float[] x, float[] gamma, float[] beta,
                                   float eps, float[] runningMean, float[] runningVar, float[] y) {
        checkShape(batch, channels, hw);
        checkData("x", x, batch, channels, hw);
        checkData("y", y, batch, channels, hw);
        checkParams(channels, gamma, beta, runningMean, runningVar);
        KernelChecks.length("runningMean", runningMean, channels);
        KernelChecks.length("runningVar", runningVar, channels);
        checkEps(eps);
        final int stride = channels * hw;
        Parallel.forRange(channels, 1, (from, to) -> {
            for (int c = from; c < to; c++)
                normalize(batch, stride, hw, c, x, y, runningMean[c], 1 / Math.sqrt((double) runningVar[c] + eps), gamma, beta, null, false);
        });
    }

    /**
     * Training-mode backward: dx += ..., dgamma += ..., dbeta += ... (any of the three may be
     * null = not needed). With x̂ = (x − mean)·invStd and M = N·hw per channel:
     * dbeta = Σdy, dgamma = Σdy·x̂, dx = γ·invStd·(dy − dbeta/M − x̂·dgamma/M).
     */
    public static void backward(int batch, int channels, int hw, float[] x, float[] dy, float[] gamma,
                                float[] saveMean, float[] saveInvStd, float[] dx, float[] dgamma, float[] dbeta) {
        backward(batch, channels, hw, x, dy, null, gamma, saveMean, saveInvStd, dx, true, dgamma, dbeta);
    }

    /**
     * {@link #backward(int, int, int, float[], float[], float[], float[], float[], float[], float[], float[])}
     * of batch norm followed by a relu whose output was reluOut (null: no relu): dy, the gradient at
     * the relu's output, passes where reluOut > 0, as the relu's own backward would pass it, without
     * a separate pass or buffer. Unless accumulateDx, dx is written instead of added to (every
     * element; dx may hold anything): the first gradient a tensor receives needs neither zeroing
     * nor reading.
     */
    public static void backward(int batch, int channels, int hw, float[] x, float[] dy, float[] reluOut, float[] gamma,
                                float[] saveMean, float[] saveInvStd, float[] dx, boolean accumulateDx, float[] dgamma, float[] dbeta) {
        backward(batch, channels, hw, x, dy, reluOut, gamma, saveMean, saveInvStd, dx, accumulateDx, dgamma, dbeta, null);
    }

    /**
     * The backward pass of {@link #forwardTrain} over replicas (null: one process): dgamma and dbeta
     * get this replica's share (the run sums them with the other gradients), dx the gradient through
     * the global batch's statistics, from Σdy and Σdy·(x − mean) summed over the replicas.
     */
    public static void backward(int batch, int channels, int hw, float[] x, float[] dy, float[] reluOut, float[] gamma,
                                float[] saveMean, float[] saveInvStd, float[] dx, boolean accumulateDx, float[] dgamma, float[] dbeta,
                                ReplicaSums replicas) {
        checkShape(batch, channels, hw);
        checkData("x", x, batch, channels, hw);
        checkData("dy", dy, batch, channels, hw);
        KernelChecks.optionalLength("gamma", gamma, channels);
        KernelChecks.length("saveMean", saveMean, channels);
        KernelChecks.length("saveInvStd", saveInvStd, channels);
        if (reluOut != null) checkData("reluOut", reluOut, batch, channels, hw);
        if (dx != null) checkData("dx", dx, batch, channels, hw);
        KernelChecks.optionalLength("dgamma", dgamma, channels);
        KernelChecks.optionalLength("dbeta", dbeta, channels);
        final int stride = channels * hw;
        double[] sums = new double[2 * channels + 1];   // Σdy and Σdy·(x − mean) per channel, then the count
        sums[2 * channels] = (double) batch * hw;
        IntConsumer reduce = c -> {
            float m = saveMean[c];
            double sumDy = 0, sumDyXc = 0;
            for (int n = 0; n < batch; n++) {
                int off = n * stride + c * hw;
                sumDy += reluOut == null ? KernelVectors.sum(dy, off, hw) : KernelVectors.sumPassed(dy, reluOut, off, hw);
                sumDyXc += reluOut == null ? KernelVectors.dotCentered(x, dy, off, hw, m) : KernelVectors.dotCenteredPassed(x, dy, reluOut, off, hw, m);
            }
            if (dbeta != null) dbeta[c] += (float) sumDy;
            if (dgamma != null) dgamma[c] += (float) (sumDyXc * saveInvStd[c]);
            sums[2 * c] = sumDy;
            sums[2 * c + 1] = sumDyXc;
        };
        IntConsumer gradient = c -> {
            float m = saveMean[c];
            double inv = saveInvStd[c], sumDy = sums[2 * c], sumDyXc = sums[2 * c + 1], count = sums[2 * channels];
            double gi = (gamma == null ? 1.0 : gamma[c]) * inv;
            // dx (+)= a·dy + b·(x − mean) + k
            float a = (float) gi, b = (float) (-gi * inv * inv * sumDyXc / count), k = (float) (-gi * sumDy / count);
            for (int n = 0; n < batch; n++) {
                if (reluOut == null) KernelVectors.batchNormGrad(dx, accumulateDx, dy, x, n * stride + c * hw, hw, a, b, m, k);
                else KernelVectors.batchNormGradPassed(dx, accumulateDx, dy, reluOut, x, n * stride + c * hw, hw, a, b, m, k);
            }
        };
        if (replicas == null) {   // one process: a channel's sums and gradient while its values are in cache
            Parallel.forEach(channels, c -> {
                reduce.accept(c);
                if (dx != null) gradient.accept(c);
            });
            return;
        }
        Parallel.forEach(channels, reduce);
        replicas.sum(sums);
        if (dx != null) Parallel.forEach(channels, gradient);
    }

    /** y = (x − mean)·invStd·γ + β for channel c, as one fused multiply-add per element (then + residual and relu, when asked). */
    private static void normalize(int batch, int stride, int hw, int c, float[] x, float[] y, double mean, double invStd,
                                  float[] gamma, float[] beta, float[] residual, boolean relu) {
        double scale = (gamma == null ? 1.0 : gamma[c]) * invStd;
        double shift = (beta == null ? 0.0 : beta[c]) - mean * scale;
        for (int n = 0; n < batch; n++) {
            if (relu) KernelVectors.affineRelu(x, residual, y, n * stride + c * hw, hw, (float) scale, (float) shift);
            else KernelVectors.affine(x, y, n * stride + c * hw, hw, (float) scale, (float) shift);
        }
    }

    private static void checkShape(int batch, int channels, int hw) {
        KernelChecks.positive("batch", batch);
        KernelChecks.positive("channels", channels);
        KernelChecks.positive("hw", hw);
        KernelChecks.fitsArray("input", (long) batch * channels * hw);
    }

    private static void checkData(String name, float[] a, int batch, int channels, int hw) {
        KernelChecks.length(name, a, (long) batch * channels * hw);
    }

    private static void checkParams(int channels, float[] gamma, float[] beta, float[] runningMean, float[] runningVar) {
        KernelChecks.optionalLength("gamma", gamma, channels);
        KernelChecks.optionalLength("beta", beta, channels);
        KernelChecks.optionalLength("runningMean", runningMean, channels);
        KernelChecks.optionalLength("runningVar", runningVar, channels);
    }

    private static void checkEps(float eps) {
        if (!(eps >= 0) || Float.isInfinite(eps)) throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
    }
}
