package dev.apprentice.distill.train;

import dev.apprentice.distill.data.Batch;
import dev.apprentice.distill.data.BatchLoader;
import dev.apprentice.distill.data.ImageSet;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.cpu.FloatNetwork;

/** Top-1 / top-5 accuracy and mean loss of a model over a set, in eval mode without a graph. */
public record Evaluation(double top1, double top5, double loss, int images) {

    /**
     * A full-precision CIFAR-style ResNet is evaluated through its compiled NHWC inference network
     * ({@link FloatNetwork}: batchnorm folded, the packed path's row kernels; ResNet-20 at batch 128
     * ~1.45× the module's forward pass), any other model through its eval-mode forward.
     */
    public static Evaluation of(Module model, ImageSet set, Normalization norm, int batchSize) {
        batchSize = MemoryCheck.inferenceBatch(batchSize, new int[] {set.channels(), set.height(), set.width()}, model);
        if (FloatNetwork.supports(model)) {
            return of(FloatNetwork.of(model)::logits, set, norm, batchSize, null);
        }
        boolean wasTraining = model.training();
        model.eval();
        try {
            return of(model::forward, set, norm, batchSize, null);
        } finally {
            model.train(wasTraining);
        }
    }

    /**
     * Evaluates any classifier (normalized images → logits, run without a graph; a module is put
     * in eval mode by the overload above). If predictions is not null, it receives each image's
     * arg-max class, so two models can be compared image by image.
     */
    public static Evaluation of(java.util.function.UnaryOperator<Tensor> classifier, ImageSet set, Normalization norm, int batchSize, int[] predictions) {
        long correct1 = 0, correct5 = 0;
        double lossSum = 0;
        int seen = 0;
        try (var noGrad = GradMode.off(); BatchLoader loader = new BatchLoader(set, batchSize, false, null, norm, 0)) {
            for (Batch b : loader) {
                try (var arena = StepArena.open()) { // each batch reuses the previous one's activations
                    Tensor logits = classifier.apply(b.images());
                    lossSum += Loss.crossEntropy(logits, b.labels()).item() * b.size();
                    int[] hits = hits(logits, b.labels());
                    correct1 += hits[0];
                    correct5 += hits[1];
                    if (predictions != null) for (int i = 0; i < b.size(); i++) predictions[seen + i] = argMax(logits.data(), i, logits.dim(1));
                    seen += b.size();
                }
            }
        }
        int n = set.size();
        return new Evaluation(100.0 * correct1 / n, 100.0 * correct5 / n, lossSum / n, n);
    }

    private static int argMax(float[] z, int row, int classes) {
        int best = 0;
        for (int j = 1; j < classes; j++) if (z[row * classes + j] > z[row * classes + best]) best = j;
        return best;
    }

    /** Rows whose label is the arg-max ([0]) or among the five largest logits ([1]). */
    static int[] hits(Tensor logits, int[] labels) {
        int c = logits.dim(1);
        float[] z = logits.data();
        int top1 = 0, top5 = 0;
        for (int i = 0; i < labels.length; i++) {
            float target = z[i * c + labels[i]];
            int above = 0; // classes ranked strictly before the label (ties go to the lower index)
            for (int j = 0; j < c; j++) {
                float v = z[i * c + j];
                if (v > target || (v == target && j < labels[i])) above++;
            }
            if (above == 0) top1++;
            if (above < 5) top5++;
        }
        return new int[] {top1, top5};
    }
}
