package dev.apprentice.benchmarks.lowbit;

/**
 * Per-thread buffers of the low-bit kernels, grown on demand and reused across calls. Prepared
 * rows and accumulators are separate: a thread that prepared rows for other threads to read may
 * itself run a task that needs accumulators.
 */
final class KernelScratch {
    private static final ThreadLocal<KernelScratch> LOCAL = ThreadLocal.withInitial(KernelScratch::new);

    private final PreparedRows prepared = new PreparedRows();
    private final RunIndex runIndex = new RunIndex();
    private byte[] gathered = new byte[0];
    private int[] accumulators = new int[0];

    static KernelScratch get() {
        return LOCAL.get();
    }

    PreparedRows prepared() {
        return prepared;
    }

    RunIndex runIndex() {
        return runIndex;
    }

    /** Activation rows gathered from runs, for kernels that prepare plain rows only. */
    byte[] gathered(int size) {
        return gathered.length >= size ? gathered : (gathered = new byte[size]);
    }

    int[] accumulators(int size) {
        return accumulators.length >= size ? accumulators : (accumulators = new int[size]);
    }
}
