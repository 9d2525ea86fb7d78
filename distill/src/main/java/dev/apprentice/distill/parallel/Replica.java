package dev.apprentice.distill.parallel;

import dev.apprentice.distill.data.Batch;
import dev.apprentice.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * This process's place in a synchronous data-parallel run: its rank and the ring joining the
 * replicas. Every replica sees the same global batches (the same seeded shuffle and augmentation)
 * and trains on its contiguous rows of each; the gradients, weighted by shard size, are summed over
 * the ring every step, so every replica applies the same update to the same weights. Batch norm is
 * synchronized by default (the ring's {@link dev.apprentice.engine.parallel.ReplicaSums}): its statistics
 * are the global batch's, as in one process; without, each shard's, as in PyTorch DDP's default (no sums
 * in the forward and backward passes, but another model than one process trains).
 */
public record Replica(int rank, Ring ring, boolean syncsBatchNorm) {

    /** A replica whose batch norm uses the global batch's statistics (the default: the run then equals one process's). */
    public Replica(int rank, Ring ring) {
        this(rank, ring, true);
    }

    /** One process alone: no shards, no communication. */
    public static Replica alone() {
        return new Replica(0, Ring.single());
    }

    /** The sums batch norm takes over the replicas: the ring, or none when each replica keeps its shard's statistics (PyTorch DDP's default). */
    public dev.apprentice.engine.parallel.ReplicaSums batchNormSums() {
        return syncsBatchNorm ? ring : null;
    }

    public int replicas() {
        return ring.replicas();
    }

    /** Whether this replica writes the run's files (checkpoints, metrics, models) and reports progress. */
    public boolean leads() {
        return rank == 0;
    }

    /** This replica's rows of a global batch: [n·rank/N, n·(rank+1)/N), sizes within one of each other. */
    public Batch shard(Batch global) {
        if (replicas() == 1) return global;
        int n = global.size(), from = (int) ((long) n * rank / replicas()), to = (int) ((long) n * (rank + 1) / replicas());
        Tensor images = global.images();
        int per = images.size() / n;
        int[] shape = images.shape().clone();
        shape[0] = to - from;
        return new Batch(Tensor.of(Arrays.copyOfRange(images.data(), from * per, to * per), shape), Arrays.copyOfRange(global.labels(), from, to));
    }

    /** Replaces each parameter's gradient by its sum over the replicas (flat in one buffer, returned for reuse). */
    public float[] sumGradients(List<Tensor> params, float[] buffer) {
        if (replicas() == 1) return buffer;
        int total = 0;
        for (Tensor p : params) total += p.size();
        float[] flat = buffer != null && buffer.length == total ? buffer : new float[total];
        int at = 0;
        for (Tensor p : params) {
            System.arraycopy(p.gradBuffer(), 0, flat, at, p.size());
            at += p.size();
        }
        ring.sum(flat);
        at = 0;
        for (Tensor p : params) {
            System.arraycopy(flat, at, p.gradBuffer(), 0, p.size());
            at += p.size();
        }
        return flat;
    }
}
