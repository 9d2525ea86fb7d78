package dev.apprentice.engine.parallel;

/**
 * Sums across the replicas of a data-parallel training run, each of which holds one shard of every
 * global batch: batch norm in training mode asks for them so that its statistics are those of the
 * whole global batch (synchronized batch norm), as one process training on the global batch has.
 * Installed for the steps of the calling thread with {@link #install}; without one, every
 * statistic is local.
 */
public interface ReplicaSums {
    /** Replaces values by their element-wise sum over all replicas, the same bits on every replica. Every replica calls it, in the same order. */
    void sum(double[] values);

    /** The replicas of the run, this one included. */
    int replicas();

    /** The sums installed on this thread, or null (a single process). */
    static ReplicaSums current() {
        return Installed.CURRENT.get();
    }

    /** Installs sums for this thread until the returned scope closes (a single replica installs nothing: its statistics are already global). */
    static Scope install(ReplicaSums sums) {
        ReplicaSums before = Installed.CURRENT.get();
        Installed.CURRENT.set(sums == null || sums.replicas() < 2 ? null : sums);
        return () -> Installed.CURRENT.set(before);
    }

    /** Closes without an exception. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The per-thread holder (an interface cannot hold a private field). */
    final class Installed {
        private static final ThreadLocal<ReplicaSums> CURRENT = new ThreadLocal<>();

        private Installed() {}
    }
}
