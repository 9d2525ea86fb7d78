package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.ReplicaSums;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Synchronized batch norm: replicas holding shards of a batch, their sums added through
 * {@link ReplicaSums}, normalize and back-propagate as one process holding the whole batch.
 */
class ReplicatedBatchNormTest {
    private static final float EPS = 1e-5f, MOMENTUM = 0.1f;

    /** Replicas as threads of this JVM: each sum waits for all, then adds their arrays in rank order. */
    private static final class ThreadReplicas {
        final int replicas;
        final double[][] posted;
        final CyclicBarrier posting, reading;

        ThreadReplicas(int replicas) {
            this.replicas = replicas;
            this.posted = new double[replicas][];
            this.posting = new CyclicBarrier(replicas);
            this.reading = new CyclicBarrier(replicas);
        }

        ReplicaSums rank(int r) {
            return new ReplicaSums() {
                @Override
                public void sum(double[] values) {
                    posted[r] = values.clone();
                    await(posting);
                    Arrays.fill(values, 0);
                    for (double[] p : posted) for (int i = 0; i < values.length; i++) values[i] += p[i];
                    await(reading);
                }

                @Override
                public int replicas() {
                    return replicas;
                }
            };
        }

        private static void await(CyclicBarrier b) {
            try {
                b.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void shardsWithSummedStatisticsMatchTheWholeBatch() throws Exception {
        int channels = 5, hw = 21;
        Random rng = new Random(7);
        for (int[] shards : new int[][] {{3, 3}, {2, 4}, {1, 2, 3}}) {
            int batch = Arrays.stream(shards).sum(), stride = channels * hw;
            float[] x = new float[batch * stride], dy = new float[batch * stride], gamma = new float[channels], beta = new float[channels];
            for (int i = 0; i < x.length; i++) {
                x[i] = 3f + 2f * (float) rng.nextGaussian();
                dy[i] = (float) rng.nextGaussian();
            }
            for (int c = 0; c < channels; c++) {
                gamma[c] = 0.5f + rng.nextFloat();
                beta[c] = rng.nextFloat() - 0.5f;
            }
            // one process, the whole batch
            float[] y = new float[x.length], dx = new float[x.length], mean = new float[channels], invStd = new float[channels];
            float[] runMean = new float[channels], runVar = new float[channels], dgamma = new float[channels], dbeta = new float[channels];
            Arrays.fill(runVar, 1f);
            BatchNormKernel.forwardTrain(batch, channels, hw, x, gamma, beta, EPS, MOMENTUM, runMean, runVar, y, mean, invStd);
            BatchNormKernel.backward(batch, channels, hw, x, dy, gamma, mean, invStd, dx, dgamma, dbeta);

            ThreadReplicas replicas = new ThreadReplicas(shards.length);
            ExecutorService pool = Executors.newFixedThreadPool(shards.length);
            try {
                Future<?>[] done = new Future<?>[shards.length];
                float[][] shardGamma = new float[shards.length][channels], shardBeta = new float[shards.length][channels];
                for (int r = 0, first = 0; r < shards.length; first += shards[r], r++) {
                    int rank = r, n = shards[r], from = first * stride, to = (first + n) * stride;
                    done[r] = pool.submit(() -> {
                        float[] xs = Arrays.copyOfRange(x, from, to), ys = new float[xs.length], dxs = new float[xs.length];
                        float[] m = new float[channels], inv = new float[channels], rm = new float[channels], rv = new float[channels];
                        Arrays.fill(rv, 1f);
                        ReplicaSums sums = replicas.rank(rank);
                        BatchNormKernel.forwardTrain(n, channels, hw, xs, gamma, beta, EPS, MOMENTUM, rm, rv, ys, m, inv, null, false, sums);
                        BatchNormKernel.backward(n, channels, hw, xs, Arrays.copyOfRange(dy, from, to), null, gamma, m, inv, dxs, false,
                                shardGamma[rank], shardBeta[rank], sums);
                        for (int i = 0; i < xs.length; i++) {
                            assertEquals(y[from + i], ys[i], 2e-6f * (1 + Math.abs(y[from + i])), "y " + (from + i));
                            assertEquals(dx[from + i], dxs[i], 2e-5f * (1 + Math.abs(dx[from + i])), "dx " + (from + i));
                        }
                        for (int c = 0; c < channels; c++) {
                            assertEquals(runMean[c], rm[c], 1e-6f, "running mean, replica " + rank);
                            assertEquals(runVar[c], rv[c], 1e-5f, "running variance (unbiased over the global count), replica " + rank);
                        }
                        return null;
                    });
                }
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof AssertionError a) throw a;
                        throw e;
                    }
                }
                for (int c = 0; c < channels; c++) {
                    float g = 0, b = 0;
                    for (int r = 0; r < shards.length; r++) {
                        g += shardGamma[r][c];
                        b += shardBeta[r][c];
                    }
                    assertEquals(dgamma[c], g, 1e-4f * (1 + Math.abs(dgamma[c])), "replicas' dgamma shares sum to the whole batch's");
                    assertEquals(dbeta[c], b, 1e-4f * (1 + Math.abs(dbeta[c])), "replicas' dbeta shares sum to the whole batch's");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
