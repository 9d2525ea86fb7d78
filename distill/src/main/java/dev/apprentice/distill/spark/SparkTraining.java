package dev.apprentice.distill.spark;

import dev.apprentice.distill.parallel.Replica;
import dev.apprentice.distill.parallel.Ring;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.StagedRun;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.engine.parallel.Parallel;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Synchronous data-parallel training on Apache Spark: N replicas, each a task of one barrier stage
 * (Spark schedules them together and, when one fails, retries them together), each training on its
 * shard of every global batch. The tasks publish a listening port through the barrier's allGather and
 * join a {@link Ring} among themselves; gradients and batch-norm sums then move over those sockets,
 * not through Spark (as Horovod-on-Spark and TorchDistributor also do: Spark schedules, the
 * collective moves tensors). A run is one barrier stage per checkpoint (every epoch, and every
 * --checkpoint-every steps): each stage starts from the files of the last checkpoint, which the
 * driver holds and ships with the stage, and ends at the next, which the stage's leader gives back and
 * the driver writes ({@link StagedRun}); a retried stage starts again from the same files, so the
 * run ends with the weights of an uninterrupted one, and no executor needs to see the run directory.
 */
public final class SparkTraining {
    private SparkTraining() {}

    /** Builds a task's trainer on the executor (the CLI re-parses its arguments there), writing its files to dir and its report to out. */
    public interface Setup extends Serializable {
        Trainer trainer(Path dir, PrintStream out, Progress progress) throws IOException;
    }

    /**
     * For fault tests: replica rank fails at its given step of the given epoch in the first attempts of that step's
     * stage: its task throws, or with killsExecutor its executor's JVM halts (as a lost machine would).
     */
    public record InjectedFailure(int rank, int epoch, int step, int attempts, boolean killsExecutor) implements Serializable {
        /** A task failure in the stage's first attempt only: its retry succeeds. */
        public static InjectedFailure once(int rank, int epoch, int step) {
            return new InjectedFailure(rank, epoch, step, 1, false);
        }
    }

    /** What the run did: the student's final test accuracy, its training seconds, the replicas' traffic, the stages and their retried attempts. */
    public record Outcome(double testTop1, double seconds, long bytesSentPerReplica, double allReduceSeconds, int stages, int retries) {}

    /** What a stage's leader gives back: the run's files (see {@link StagedRun#collect}), what its trainer reported, and its own figures. */
    private record StageEnd(Map<String, byte[]> files, String report, double testTop1, double seconds, long bytesSent, double allReduceSeconds, int attempt) implements Serializable {}

    /**
     * Trains on workers replicas into the run directory dir, which this process (the driver) holds: resume
     * and overwrite as the CLI's --resume and --force; batch norm over the global batch (syncBatchNorm) or
     * over each replica's shard.
     */
    public static Outcome run(JavaSparkContext sc, int workers, boolean syncBatchNorm, Setup setup, Path dir, boolean resume, boolean overwrite,
                              InjectedFailure failure, PrintStream out) throws IOException {
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        RDD<Integer> ranks = sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers).rdd();
        try (StagedRun run = StagedRun.open(dir, resume, overwrite, out)) {
            int stages = 0, retries = 0;
            long bytes = 0;
            double ringSeconds = 0;
            StageEnd end;
            do {
                Task task = new Task(setup, syncBatchNorm, new LinkedHashMap<>(run.state()), stages == 0, failure);
                RDD<StageEnd> ends = ranks.barrier().mapPartitions(task, false, ClassTag$.MODULE$.apply(StageEnd.class));
                // the shuffle makes the barrier stage a map stage: Spark retries a failed barrier map stage whole, not a result stage
                end = new JavaRDD<>(ends, ClassTag$.MODULE$.apply(StageEnd.class)).repartition(1).collect().stream()
                        .filter(java.util.Objects::nonNull).findFirst().orElseThrow(() -> new IllegalStateException("the leader gave nothing back"));
                run.write(end.files());
                out.print(end.report());
                stages++;
                retries += end.attempt();
                bytes += end.bytesSent();
                ringSeconds += end.allReduceSeconds();
            } while (!run.finished());
            return new Outcome(end.testTop1(), end.seconds(), bytes, ringSeconds, stages, retries);
        }
    }

    /** One replica's part of a stage: joins the ring through the barrier, then trains from the stage's files to the next checkpoint. */
    private static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<StageEnd>> implements Serializable {
        private final Setup setup;
        private final boolean syncBatchNorm, first;
        private final LinkedHashMap<String, byte[]> state;
        private final InjectedFailure failure;

        Task(Setup setup, boolean syncBatchNorm, LinkedHashMap<String, byte[]> state, boolean first, InjectedFailure failure) {
            this.setup = setup;
            this.syncBatchNorm = syncBatchNorm;
            this.state = state;
            this.first = first;
            this.failure = failure;
        }

        @Override
        public Iterator<StageEnd> apply(Iterator<Integer> partition) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int rank = ctx.partitionId(), attempt = ctx.stageAttemptNumber();
            String host = ctx.getTaskInfos()[rank].address().replaceAll(":\\d+$", "");
            try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(0));
                 // under the executor's working directory, which the cluster manager removes with the application even if this JVM dies
                 ScratchDirectory work = ScratchDirectory.create(Path.of(SparkFiles.getRootDirectory()), "apprentice-stage-" + rank + "-")) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                String[] all = ctx.allGather(host + ":" + port);
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (String a : all) {
                    int colon = a.lastIndexOf(':');
                    addresses.add(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
                }
                try (Ring ring = Ring.join(rank, addresses, server)) {
                    Progress progress = failure != null && failure.rank() == rank && attempt < failure.attempts() ? failing(failure) : Progress.QUIET;
                    boolean resumes = StagedRun.unpack(state, work.path());
                    ByteArrayOutputStream report = new ByteArrayOutputStream();   // the leader's lines, printed by the driver
                    Trainer trainer = setup.trainer(work.path(), new PrintStream(rank == 0 ? report : OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), progress).replica(new Replica(rank, ring, syncBatchNorm)).stage(first);
                    int threadsBefore = Parallel.threads();
                    Parallel.setThreads(Math.max(1, ctx.cpus()));   // the task's cores, not the machine's
                    Trainer.Result r;
                    try {
                        r = trainer.run(resumes, false);
                    } finally {
                        Parallel.setThreads(threadsBefore);
                    }
                    List<StageEnd> out = new ArrayList<>();
                    if (rank == 0) out.add(new StageEnd(StagedRun.collect(work.path()), report.toString(StandardCharsets.UTF_8), r.test() == null ? Double.NaN : r.test().top1(), r.seconds(),
                            ring.bytesSent(), ring.seconds(), attempt));
                    return CollectionConverters.asScala(out.iterator());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("replica " + rank + ": " + e.getMessage(), e);
            }
        }

        private static Progress failing(InjectedFailure f) {
            return (task, batches) -> new Progress.Bar() {
                int steps;

                @Override
                public void step(String status) {
                    if (!task.startsWith("epoch " + f.epoch() + "/") || ++steps != f.step()) return;
                    if (f.killsExecutor()) Runtime.getRuntime().halt(137);
                    throw new IllegalStateException("injected failure: replica " + f.rank() + ", epoch " + f.epoch() + ", step " + f.step());
                }

                @Override
                public void skipped() {
                    steps++;
                }

                @Override
                public void close() {}
            };
        }
    }
}
