package dev.apprentice.engine.tensor;

import java.util.Arrays;

/** Helpers for shapes (int arrays, outermost dimension first). */
public final class Shape {
    private Shape() {}

    /** Number of elements; throws on negative or overflowing shapes. */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 16)
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large (over 2^31 elements)");
        }
        return (int) n;
    }

    public static String str(int... shape) {
        return Arrays.toString(shape);
    }

    /** Resolves a negative axis (-1 = last) and checks it is in range. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** Numpy-style broadcast of two shapes, or an exception naming both. */
    public static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " do not broadcast");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }
}
