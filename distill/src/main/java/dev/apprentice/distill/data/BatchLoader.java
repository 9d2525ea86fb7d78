package dev.apprentice.distill.data;

import dev.apprentice.engine.tensor.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One pass over a set in batches, assembled on a background thread a few batches ahead so the
 * trainer never waits on data. Order and augmentation depend only on the seed, so a resumed
 * run sees exactly the batches an uninterrupted one would.
 */
public final class BatchLoader implements Iterable<Batch>, AutoCloseable {
    private static final int PREFETCH = 3;
    private static final Object END = new Object();

    private final ImageSet set;
    private final int batchSize;
    private final Normalization norm;
    private final Augmentation aug;
    private final int[] order;
    private final long seed;
    private volatile Thread producer;

    /**
     * @param shuffle shuffle with a generator seeded by seed (pass e.g. runSeed·K + epoch)
     */
    public BatchLoader(ImageSet set, int batchSize, boolean shuffle, Augmentation aug, Normalization norm, long seed) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.set = set;
        this.batchSize = batchSize;
        this.norm = norm;
        this.aug = aug == null ? Augmentation.NONE : aug;
        this.seed = seed;
        this.order = new int[set.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    public int batches() {
        return (set.size() + batchSize - 1) / batchSize;
    }

    @Override
    public Iterator<Batch> iterator() {
        if (producer != null) throw new IllegalStateException("a BatchLoader is one pass; make a new one per epoch");
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
        Thread t = new Thread(() -> produce(queue), "batch-loader");
        t.setDaemon(true);
        producer = t;
        t.start();
        return new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                if (next == null) next = take(queue);
                return next != END;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                Object b = next;
                next = null;
                if (b instanceof RuntimeException e) throw e;
                return (Batch) b;
            }
        };
    }

    private static Object take(BlockingQueue<Object> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for data", e);
        }
    }

    private void produce(BlockingQueue<Object> queue) {
        try {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
            int c = set.channels(), h = set.height(), w = set.width(), sz = c * h * w;
            float[] pad = new float[c];
            for (int ch = 0; ch < c; ch++) pad[ch] = -norm.mean()[ch] / norm.std()[ch];
            float[] scratch = new float[h * w];
            for (int start = 0; start < order.length; start += batchSize) {
                int n = Math.min(batchSize, order.length - start);
                float[] x = new float[n * sz];
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    int idx = order[start + i];
                    norm.apply(set, idx, x, i * sz);
                    if (aug.active()) aug.apply(x, i * sz, c, h, w, pad, rng, scratch);
                    y[i] = set.labels()[idx];
                }
                queue.put(new Batch(Tensor.of(x, n, c, h, w), y));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // closed early: nobody is waiting
        } catch (RuntimeException e) {
            queue.offer(e);
        }
    }

    /** Stops the background thread if the pass was abandoned early. */
    @Override
    public void close() {
        Thread t = producer;
        if (t != null) t.interrupt();
    }
}
