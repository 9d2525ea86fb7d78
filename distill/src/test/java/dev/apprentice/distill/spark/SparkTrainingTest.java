package dev.apprentice.distill.spark;

import dev.apprentice.distill.parallel.DataParallelAccess;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.ResumeTestAccess;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.io.SafeTensors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training through a Spark barrier stage in local mode (two task threads, failed tasks retried). */
class SparkTrainingTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,4]").setAppName("apprentice-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
        sc.setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    /** The tiny two-epoch ResNet-8 run of ResumeTest, writing to dir (a String: the setup travels serialized). */
    static SparkTraining.Setup setup(String dir) {
        return (leader, progress) -> new Trainer(ResumeTestAccess.config(Path.of(dir), 2), ResumeTestAccess.tiny(),
                new PrintStream(new ByteArrayOutputStream()), progress);
    }

    /** The same run, also checkpointed every 2 steps within an epoch. */
    private static SparkTraining.Setup checkpointingEveryTwoSteps(String dir) {
        return (leader, progress) -> new Trainer(ResumeTestAccess.config(Path.of(dir), 2), ResumeTestAccess.tiny(),
                new PrintStream(new ByteArrayOutputStream()), progress).checkpointEvery(2);
    }

    static Map<String, Tensor> weights(Path run) throws IOException {
        return SafeTensors.read(run.resolve(Trainer.MODEL)).tensors();
    }

    private static Path plainRun() throws IOException {
        return plainRun(tmp);
    }

    /** The plain (single-process) run in dir/plain, trained once. */
    static Path plainRun(Path dir) throws IOException {
        Path plain = dir.resolve("plain");
        if (!Files.exists(plain.resolve(Trainer.MODEL)))
            new Trainer(ResumeTestAccess.config(plain, 2), ResumeTestAccess.tiny(), new PrintStream(new ByteArrayOutputStream()), Progress.QUIET).run(false, false);
        return plain;
    }

    @Test
    void oneWorkerThroughSparkIsBitIdenticalToPlainTraining() throws IOException {
        Path spark = tmp.resolve("one");
        SparkTraining.Outcome o = SparkTraining.run(sc, 1, setup(spark.toString()), false, false, null);
        assertEquals(0, o.bytesSentPerReplica(), "one replica sends nothing");
        Map<String, Tensor> a = weights(plainRun()), b = weights(spark);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
    }

    @Test
    void twoWorkersMatchPlainTrainingAndAKilledTaskIsRetriedToTheSameResult() throws IOException {
        Path two = tmp.resolve("two"), killed = tmp.resolve("killed");
        SparkTraining.Outcome o = SparkTraining.run(sc, 2, setup(two.toString()), false, false, null);
        assertEquals(1, o.attempts());
        assertTrue(o.bytesSentPerReplica() > 0);
        Map<String, Tensor> plain = weights(plainRun()), b = weights(two);
        double worst = DataParallelAccess.largestRelativeDifference(plain, b);
        assertTrue(worst < DataParallelAccess.TOLERANCE, "two Spark workers differ from plain training by " + worst);

        // replica 1 dies at step 3 of epoch 2; Spark retries the barrier stage, which resumes from epoch 1's checkpoint
        SparkTraining.Outcome retried = SparkTraining.run(sc, 2, setup(killed.toString()), false, false, new SparkTraining.FailOnce(1, 2, 3));
        assertEquals(2, retried.attempts(), "the stage ran twice");
        Map<String, Tensor> c = weights(killed);
        for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), c.get(k).data(), "after the retry: " + k);
        assertEquals(2, Files.readAllLines(killed.resolve(Trainer.METRICS)).size(), "each epoch recorded once");

        // checkpoints every 2 steps: replica 1 dies at step 5 of epoch 2, the retry resumes after step 4 of it
        Path within = tmp.resolve("within");
        SparkTraining.Outcome resumed = SparkTraining.run(sc, 2, checkpointingEveryTwoSteps(within.toString()), false, false,
                new SparkTraining.FailOnce(1, 2, 5));
        assertEquals(2, resumed.attempts());
        Map<String, Tensor> d = weights(within);
        for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), d.get(k).data(), "resumed within the epoch: " + k);
        List<String> uninterrupted = Files.readAllLines(two.resolve(Trainer.METRICS)), again = Files.readAllLines(within.resolve(Trainer.METRICS));
        assertEquals(2, again.size(), "each epoch recorded once");
        for (int row = 0; row < 2; row++)
            assertEquals(uninterrupted.get(row).replaceAll(",\"train_images_per_second.*", ""), again.get(row).replaceAll(",\"train_images_per_second.*", ""),
                    "epoch " + (row + 1) + ": the resumed epoch's loss and accuracy over all replicas' shards, counted once");
    }
}
