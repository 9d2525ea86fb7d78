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

    private MemoryCheck() {}

    static void check(int batchSize, int[] sampleShape, Module... models) {
        long perSample = 0;
        for (Module m : models) if (m != null) perSample += Summary.of(m, sampleShape).activationFloats();
        long need = perSample * BYTES_PER_ACTIVATION * batchSize;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > available)
            throw new IllegalArgumentException(String.format("a batch of %d needs about %.1f GiB for activations and gradients, more than the %.1f GiB "
                    + "Java may still use; use a smaller --batch-size (at most about %d) or give Java more heap (JAVA_TOOL_OPTIONS=-Xmx16g)",
                    batchSize, need / 1073741824.0, available / 1073741824.0, Math.max(1, available / Math.max(1, perSample * BYTES_PER_ACTIVATION))));
    }
}
