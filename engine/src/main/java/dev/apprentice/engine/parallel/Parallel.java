package dev.apprentice.engine.parallel;

import java.util.function.IntConsumer;

/**
 * The one thread pool of the engine. Kernels split work into independent tasks that each write
 * their own part of the output, so results do not depend on scheduling (bit-identical runs for
 * a given thread count). Reductions that must be deterministic split into a fixed number of
 * chunks and combine them in order.
 *
 * <p>The calling thread works too: {@code threads() - 1} {@link WorkerPool} threads join it, and
 * everyone claims tasks from one counter until none are left. Kernel calls are short (a ResNet-20
 * layer at batch 1 is tens of microseconds), so the workers spin briefly before sleeping, and
 * a call never waits for a sleeping thread to wake before its own work starts.
 */
public final class Parallel {
    private static volatile int threads = defaultThreads();
    private static volatile WorkerPool pool = new WorkerPool(threads - 1);

    private Parallel() {}

    private static int defaultThreads() {
        String env = System.getProperty("apprentice.threads", System.getenv("APPRENTICE_THREADS"));
        if (env != null && !env.isBlank()) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the machine's core count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Number of threads kernels use. */
    public static int threads() {
        return threads;
    }

    /** Sets the thread count for all later kernels (1 = run on the calling thread). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n == threads) return;
        WorkerPool old = pool;
        pool = new WorkerPool(n - 1);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs body(i) for i in [0, tasks), spread over the pool; returns when all are done. Calls
     * from inside a task, or while another thread's call is running, run serially on the caller.
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        if (tasks == 1 || threads == 1 || !pool.run(tasks, body)) {
            for (int i = 0; i < tasks; i++) body.accept(i);
        }
    }

    /**
     * Whether a {@link #forEach} made now would run serially on the caller: one thread, or a call
     * from inside a task (or while another thread's call runs). Callers then need not split work.
     */
    public static boolean serial() {
        return threads == 1 || pool.busy();
    }

    /** Splits [0, n) into at most threads() contiguous chunks of at least minChunk items each. */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.max(1, Math.min(threads, n / Math.max(1, minChunk)));
        if (chunks == 1) {
            body.run(0, n);
            return;
        }
        forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /** A body over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }
}
