package dev.apprentice.distill.data;

import dev.apprentice.engine.tensor.Tensor;

/** A batch of normalized images (N×C×H×W) and their labels. */
public record Batch(Tensor images, int[] labels) {
    public int size() {
        return labels.length;
    }
}
