package dev.apprentice.engine.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Worker threads that help the calling thread through one job at a time. A job is a task count
 * and a body; the caller and the workers claim task indices from one counter, so a thread that
 * is preempted (the machines are shared) leaves its unclaimed tasks to the others.
 *
 * <p>Why not ForkJoinPool: its external {@code invoke} parks the caller and wakes a worker,
 * which wakes the next, each wake-up costing tens of microseconds, on every kernel call; here
 * the caller starts at once and idle workers spin for {@link #SPIN_NANOS} before parking.
 */
final class WorkerPool {
    /** How long an idle worker polls for the next job before parking. */
    private static final long SPIN_NANOS = 100_000;

    /** One call's tasks: claimed through next, counted through done. */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }

        /** Runs tasks until none are left to claim. */
        void work() {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean stopped;

    WorkerPool(int size) {
        workers = new Thread[size];
        for (int w = 0; w < size; w++) {
            workers[w] = new Thread(this::loop, "apprentice-" + w);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /**
     * Runs body(i) for i in [0, tasks) on the caller and the workers; false (nothing run) when
     * the pool is already running a job: a nested call, or another thread's, which the caller
     * then runs serially.
     */
    boolean run(int tasks, IntConsumer body) {
        if (workers.length == 0 || !busy.compareAndSet(false, true)) return false;
        try {
            Job j = new Job(body, tasks);
            job = j;
            for (Thread w : workers) LockSupport.unpark(w);
            j.work();
            // The rest are running on workers; one preempted by another process would keep a
            // pure spin going for its whole time slice, so yield the core after a while.
            for (long spins = 0; j.done.get() < tasks; spins++) {
                if (spins < 10_000) Thread.onSpinWait();
                else Thread.yield();
            }
            job = null;
            Throwable t = j.failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
            return true;
        } finally {
            busy.set(false);
        }
    }

    /** Whether a job is running (a {@link #run} now would return false). */
    boolean busy() {
        return workers.length == 0 || busy.get();
    }

    void shutdown() {
        stopped = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }

    private void loop() {
        Job last = null;
        while (!stopped) {
            Job j = job;
            if (j != null && j != last) {
                last = j;
                j.work();
                continue;
            }
            long until = System.nanoTime() + SPIN_NANOS;
            while ((j = job) == null || j == last) {
                if (stopped) return;
                if (System.nanoTime() < until) Thread.onSpinWait();
                else LockSupport.park(this);
            }
        }
    }
}
