package dev.apprentice.engine.kernel;

/** Argument checks shared by the convolution, pooling and batch-norm kernels. */
final class KernelChecks {
    private KernelChecks() {}

    static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    static void nonNegative(String name, int v) {
        if (v < 0) throw new IllegalArgumentException(name + " must be non-negative, got " + v);
    }

    static void fitsArray(String what, long size) {
        if (size > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(what + " would need " + size + " elements, more than a Java array holds");
    }

    /** Requires a non-null array of exactly the expected length. */
    static void length(String name, float[] a, long expected) {
        if (a == null) throw new IllegalArgumentException(name + " must not be null");
        if (a.length != expected)
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
    }

    static void length(String name, int[] a, long expected) {
        if (a == null) throw new IllegalArgumentException(name + " must not be null");
        if (a.length != expected)
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
    }

    /** Like {@link #length} but null is allowed (an optional operand). */
    static void optionalLength(String name, float[] a, long expected) {
        if (a != null) length(name, a, expected);
    }
}
