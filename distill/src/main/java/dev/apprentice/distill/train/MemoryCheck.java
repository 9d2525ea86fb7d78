package dev.apprentice.distill.train;

import dev.apprentice.nn.Module;
import dev.apprentice.nn.Summary;

/**
 * Refuses a batch size that cannot fit in the heap before the first step, rather than failing
 * with an OutOfMemoryError minutes into a run: a training step keeps every layer's output for
 * the backward pass and allocates a gradient of the same size, plus work space (factor 4, a
 * measured upper bound for our ResNets with fake quantization).
 */
final class MemoryCheck {
    private static final int BYTES_PER_ACTIVATION = 4 * 4;
    /** Inference keeps each layer's output for the batch (the step arena holds them) and no gradients. */
    private static final int BYTES_PER_INFERENCE_ACTIVATION = 2 * 4;

    private MemoryCheck() {}

    static void check(int batchSize, int[] sampleShape, Module... models) {
        long perSample = 0;
        for (Module m : models) if (m != null) perSample += Summary.of(m, sampleShape).activationFloats();
        long need = perSample * BYTES_PER_ACTIVATION * batchSize;
        long available = available(need);
        if (need > available)
            throw new IllegalArgumentException(String.format("a batch of %d needs about %s for activations and gradients, more than the %s "
                    + "Java may still use; use a smaller --batch-size (at most about %d) or give Java more heap (java -Xmx16g -jar ...)",
                    batchSize, size(need), size(available), Math.max(1, available / Math.max(1, perSample * BYTES_PER_ACTIVATION))));
    }

    /** The largest batch up to requested whose inference activations take at most half the heap Java may still use. */
    static int inferenceBatch(int requested, int[] sampleShape, Module model) {
        long perSample = Math.max(1, Summary.of(model, sampleShape).activationFloats() * BYTES_PER_INFERENCE_ACTIVATION);
        long available = available(2 * perSample * requested);
        return (int) Math.max(1, Math.min(requested, available / 2 / perSample));
    }

    /** 1.5 GiB, 300 MiB: bytes as people read them. */
    static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.1f GiB", bytes / 1073741824.0) : String.format("%d MiB", Math.max(1, bytes >> 20));
    }

    /**
     * The heap Java may still use; when that is less than need, collected first: the used heap counts
     * garbage too, e.g. a previous run's arrays in the JVM of an experiment session (which refused a ResNet-56
     * run with 0.9 of 10 GiB "available").
     */
    private static long available(long need) {
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (available >= need) return available;
        System.gc();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }
}
