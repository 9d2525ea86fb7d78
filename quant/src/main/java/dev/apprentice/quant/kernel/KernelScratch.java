package dev.apprentice.quant.kernel;

/**
 * Per-thread buffers of the low-bit kernels, grown on demand and reused across calls. Prepared
 * activations and accumulators are separate arrays: a thread that prepared activations for
 * other threads to read may itself run a task that needs accumulators.
 */
final class KernelScratch {
    private static final ThreadLocal<KernelScratch> LOCAL = ThreadLocal.withInitial(KernelScratch::new);

    private short[] activations = new short[0];
    private int[] corrections = new int[0];
    private int[] accumulators = new int[0];

    static KernelScratch get() {
        return LOCAL.get();
    }

    short[] activations(int size) {
        return activations.length >= size ? activations : (activations = new short[size]);
    }

    int[] corrections(int size) {
        return corrections.length >= size ? corrections : (corrections = new int[size]);
    }

    int[] accumulators(int size) {
        return accumulators.length >= size ? accumulators : (accumulators = new int[size]);
    }
}
