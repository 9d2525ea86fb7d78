package dev.apprentice.distill.spark;

import dev.apprentice.distill.parallel.Replica;
import dev.apprentice.distill.parallel.Ring;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.engine.parallel.Parallel;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Synchronous data-parallel training on Apache Spark: one barrier stage of N tasks (Spark schedules
 * them together and, when one fails, retries them together), each a {@link Replica} training on its
 * shard of every global batch. The tasks publish a listening port through the barrier's allGather and
 * join a {@link Ring} among themselves; gradients and batch-norm sums then move over those sockets,
 * not through Spark (as Horovod-on-Spark and TorchDistributor also do: Spark schedules, the
 * collective moves tensors). Replica 0 writes the run's checkpoint (atomically) after every epoch to
 * the run directory, which every task must be able to read; a retried stage resumes from it, so the
 * run ends with the weights of an uninterrupted one.
 */
public final class SparkTraining {
    private SparkTraining() {}

    /** Builds a task's trainer on the executor (the CLI re-parses its arguments there); the leader's reports, the others stay quiet. */
    public interface Setup extends Serializable {
        Trainer trainer(boolean leader, Progress progress) throws IOException;
    }

    /**
     * For fault tests: replica rank fails after its given step of the given epoch, in the stage's first attempt
     * only: its task throws, or with killsExecutor its executor's JVM halts (as a lost machine would).
     */
    public record FailOnce(int rank, int epoch, int step, boolean killsExecutor) implements Serializable {
        public FailOnce(int rank, int epoch, int step) {
            this(rank, epoch, step, false);
        }
    }

    /** What the leader reports back to the driver. */
    public record Outcome(double testTop1, double seconds, long bytesSentPerReplica, double allReduceSeconds, int attempts) implements Serializable {}

    /** Trains on workers replicas; resume as the CLI's --resume, overwrite as --force. */
    public static Outcome run(JavaSparkContext sc, int workers, Setup setup, boolean resume, boolean overwrite, FailOnce failOnce) {
        return run(sc, workers, true, setup, resume, overwrite, failOnce);
    }

    /** {@link #run} with batch norm over the global batch (syncBatchNorm) or over each replica's shard. */
    public static Outcome run(JavaSparkContext sc, int workers, boolean syncBatchNorm, Setup setup, boolean resume, boolean overwrite, FailOnce failOnce) {
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        RDD<Integer> ranks = sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers).rdd();
        RDD<Outcome> outcomes = ranks.barrier().mapPartitions(new Task(setup, syncBatchNorm, resume, overwrite, failOnce), false, ClassTag$.MODULE$.apply(Outcome.class));
        // the shuffle makes the barrier stage a map stage: Spark retries a failed barrier map stage whole, not a result stage
        for (Outcome o : new JavaRDD<>(outcomes, ClassTag$.MODULE$.apply(Outcome.class)).repartition(1).collect()) if (o != null) return o;
        throw new IllegalStateException("the leader returned no outcome");
    }

    /** One replica: joins the ring through the barrier, then trains. */
    private static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<Outcome>> implements Serializable {
        private final Setup setup;
        private final boolean syncBatchNorm, resume, overwrite;
        private final FailOnce failOnce;

        Task(Setup setup, boolean syncBatchNorm, boolean resume, boolean overwrite, FailOnce failOnce) {
            this.setup = setup;
            this.syncBatchNorm = syncBatchNorm;
            this.resume = resume;
            this.overwrite = overwrite;
            this.failOnce = failOnce;
        }

        @Override
        public Iterator<Outcome> apply(Iterator<Integer> partition) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int rank = ctx.partitionId();
            String host = ctx.getTaskInfos()[rank].address().replaceAll(":\\d+$", "");
            try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(0))) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                String[] all = ctx.allGather(host + ":" + port);
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (String a : all) {
                    int colon = a.lastIndexOf(':');
                    addresses.add(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
                }
                try (Ring ring = Ring.join(rank, addresses, server)) {
                    boolean retried = ctx.stageAttemptNumber() > 0;
                    Progress progress = failOnce != null && failOnce.rank() == rank && !retried ? failing(failOnce) : Progress.QUIET;
                    // a retried stage continues from the last checkpoint (none yet: it starts over)
                    Trainer trainer = setup.trainer(rank == 0, progress).replica(new Replica(rank, ring, syncBatchNorm));
                    int threadsBefore = Parallel.threads();
                    Parallel.setThreads(Math.max(1, ctx.cpus()));   // the task's cores, not the machine's
                    Trainer.Result r;
                    try {
                        r = trainer.run(resume || retried, overwrite && !retried);
                    } finally {
                        Parallel.setThreads(threadsBefore);
                    }
                    Outcome o = rank != 0 ? null
                            : new Outcome(r.test().top1(), r.seconds(), ring.bytesSent(), ring.seconds(), ctx.stageAttemptNumber() + 1);
                    List<Outcome> out = new ArrayList<>();
                    if (o != null) out.add(o);
                    return CollectionConverters.asScala(out.iterator());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("replica " + rank + ": " + e.getMessage(), e);
            }
        }

        private static Progress failing(FailOnce f) {
            return (task, batches) -> new Progress.Bar() {
                int steps;

                @Override
                public void step(String status) {
                    if (!task.startsWith("epoch " + f.epoch() + "/") || ++steps != f.step()) return;
                    if (f.killsExecutor()) Runtime.getRuntime().halt(137);
                    throw new IllegalStateException("injected failure: replica " + f.rank() + ", epoch " + f.epoch() + ", step " + f.step());
                }

                @Override
                public void close() {}
            };
        }
    }
}
