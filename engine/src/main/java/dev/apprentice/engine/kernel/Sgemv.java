package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix-vector product y = A·x, A row-major m × k (row stride lda ≥ k).
 *
 * <p>Bound by memory bandwidth (each element of A is read once and used once), so the kernel
 * only has to keep loads in flight: four independent vector FMA chains per row, rows split
 * over {@link Parallel} in contiguous chunks (four per thread). Each row's sum runs in a fixed order (the four
 * chains lane by lane, then the scalar tail with fma), so results do not depend on the thread count.
 */
public final class Sgemv {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    /** Multiply-adds below which a chunk of rows is not worth a task. */
    private static final int MIN_TASK_WORK = 1 << 16;
    /** More tasks than threads, so a thread the OS preempts leaves queued rows for the others to steal. */
    private static final int TASKS_PER_THREAD = 4;

    private Sgemv() {}

    /** y[yOff + i] = Σ_j A[aOff + i·lda + j] · x[xOff + j] for i < m, j < k. */
    public static void sgemv(int m, int k, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        if (m < 0 || k < 0 || lda < Math.max(1, k)) throw new IllegalArgumentException("sgemv: bad shape m=" + m + " k=" + k + " lda=" + lda);
        if (m == 0) return;
        if (aOff < 0 || (long) aOff + (long) (m - 1) * lda + k > a.length) throw new IllegalArgumentException("sgemv: A too small");
        if (xOff < 0 || (long) xOff + k > x.length) throw new IllegalArgumentException("sgemv: x too small");
        if (yOff < 0 || (long) yOff + m > y.length) throw new IllegalArgumentException("sgemv: y too small");
        if (!VectorWidth.VECTOR) {
            SgemmScalar.gemv(m, k, a, aOff, lda, x, xOff, y, yOff);
            return;
        }
        int minRows = Math.max(1, MIN_TASK_WORK / Math.max(1, k));
        int tasks = Math.max(1, Math.min(TASKS_PER_THREAD * Parallel.threads(), m / minRows));
        Parallel.forEach(tasks, t -> {
            for (int i = (int) ((long) m * t / tasks), end = (int) ((long) m * (t + 1) / tasks); i < end; i++)
                y[yOff + i] = dot(a, aOff + i * lda, x, xOff, k);
        });
    }

    private static float dot(float[] a, int aOff, float[] x, int xOff, int k) {
        float[] lanes = new float[L];
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int j = 0;
        for (int end = k - 4 * L; j <= end; j += 4 * L) {
            s0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, x, xOff + j), s0);
            s1 = FloatVector.fromArray(S, a, aOff + j + L).fma(FloatVector.fromArray(S, x, xOff + j + L), s1);
            s2 = FloatVector.fromArray(S, a, aOff + j + 2 * L).fma(FloatVector.fromArray(S, x, xOff + j + 2 * L), s2);
            s3 = FloatVector.fromArray(S, a, aOff + j + 3 * L).fma(FloatVector.fromArray(S, x, xOff + j + 3 * L), s3);
        }
        for (int end = k - L; j <= end; j += L)
            s0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, x, xOff + j), s0);
        s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
        return SgemmScalar.dot(Lanes.sum(lanes, L), a, aOff, x, xOff, j, k);
    }
}
