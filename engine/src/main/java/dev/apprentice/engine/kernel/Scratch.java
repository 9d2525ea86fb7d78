package dev.apprentice.engine.kernel;

/**
 * Per-thread reusable float buffers for kernels that need a work area (im2col columns), so the
 * hot path does not allocate. A buffer only grows; its contents are garbage on entry. One buffer
 * per thread: a kernel task must not hold it across a call that may use it again.
 */
final class Scratch {
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    private Scratch() {}

    /** A buffer of at least n floats owned by the calling thread. */
    static float[] floats(int n) {
        float[] b = BUFFER.get();
        if (b.length < n) {
            b = new float[n];
            BUFFER.set(b);
        }
        return b;
    }
}
