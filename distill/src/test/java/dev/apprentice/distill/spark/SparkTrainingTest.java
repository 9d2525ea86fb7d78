package dev.apprentice.distill.spark;

import dev.apprentice.distill.parallel.DataParallelAccess;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apprentice.distill.train.Checkpoint;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.RunRecord;
import dev.apprentice.distill.train.ResumeTestAccess;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.io.SafeTensors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /** The tiny two-epoch ResNet-8 run of ResumeTest, each stage in the directory it is given. */
    static final SparkTraining.Setup TINY = (dir, out, progress) -> new Trainer(ResumeTestAccess.config(dir, 2), ResumeTestAccess.tiny(), out, progress);

    /** The same run, also checkpointed every 2 steps within an epoch. */
    private static final SparkTraining.Setup CHECKPOINTING_EVERY_TWO_STEPS = (dir, out, progress) -> new Trainer(ResumeTestAccess.config(dir, 2),
            ResumeTestAccess.tiny(), out, progress).checkpointEvery(2);

    /** Trains TINY (or setup) on workers replicas into dir, which only the driver writes. */
    static SparkTraining.Outcome train(JavaSparkContext sc, int workers, Path dir, SparkTraining.InjectedFailure failure) throws IOException {
        return train(sc, workers, TINY, dir, false, failure);
    }

    private static SparkTraining.Outcome train(JavaSparkContext sc, int workers, SparkTraining.Setup setup, Path dir, boolean resume,
                                               SparkTraining.InjectedFailure failure) throws IOException {
        return SparkTraining.run(sc, workers, true, setup, dir, resume, false, failure, new PrintStream(new ByteArrayOutputStream()));
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
        SparkTraining.Outcome o = train(sc, 1, spark, null);
        assertEquals(0, o.bytesSentPerReplica(), "one replica sends nothing");
        Map<String, Tensor> a = weights(plainRun()), b = weights(spark);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
    }

    @Test
    void twoWorkersMatchPlainTrainingAndAKilledTaskIsRetriedToTheSameResult() throws IOException {
        Path two = tmp.resolve("two"), killed = tmp.resolve("killed");
        SparkTraining.Outcome o = train(sc, 2, two, null);
        assertEquals(2, o.stages(), "a stage per epoch");
        assertEquals(0, o.retries());
        assertTrue(o.bytesSentPerReplica() > 0);
        Map<String, Tensor> plain = weights(plainRun()), b = weights(two);
        double worst = DataParallelAccess.largestRelativeDifference(plain, b);
        assertTrue(worst < DataParallelAccess.TOLERANCE, "two Spark workers differ from plain training by " + worst);
        JsonObject record = record(two);
        assertTrue(record.has("ended"), "the run's record says it ended");
        assertFalse(record.has("resumed") && !record.getAsJsonArray("resumed").isEmpty(), "the second stage is not a resumed run: " + record);

        // replica 1 dies at step 3 of epoch 2; Spark retries that epoch's stage, which starts again from epoch 1's checkpoint
        SparkTraining.Outcome retried = train(sc, 2, killed, SparkTraining.InjectedFailure.once(1, 2, 3));
        assertEquals(1, retried.retries(), "the second stage ran twice");
        Map<String, Tensor> c = weights(killed);
        for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), c.get(k).data(), "after the retry: " + k);
        assertEquals(2, Files.readAllLines(killed.resolve(Trainer.METRICS)).size(), "each epoch recorded once");

        // checkpoints every 2 steps: replica 1 dies at step 5 of epoch 2, the retry starts after step 4 of it
        Path within = tmp.resolve("within");
        SparkTraining.Outcome resumed = train(sc, 2, CHECKPOINTING_EVERY_TWO_STEPS, within, false, SparkTraining.InjectedFailure.once(1, 2, 5));
        assertEquals(1, resumed.retries());
        assertTrue(resumed.stages() > 4, "a stage per checkpoint within the epochs too: " + resumed.stages());
        Map<String, Tensor> d = weights(within);
        for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), d.get(k).data(), "resumed within the epoch: " + k);
        List<String> uninterrupted = Files.readAllLines(two.resolve(Trainer.METRICS)), again = Files.readAllLines(within.resolve(Trainer.METRICS));
        assertEquals(2, again.size(), "each epoch recorded once");
        for (int row = 0; row < 2; row++)
            assertEquals(withoutSpeed(uninterrupted.get(row)), withoutSpeed(again.get(row)),
                    "epoch " + (row + 1) + ": the resumed epoch's loss and accuracy over all replicas' shards, counted once");
    }

    @Test
    void aRunWhoseDriverGaveUpResumesFromTheCheckpointTheDriverWrote() throws IOException {
        Path two = tmp.resolve("uninterrupted"), stopped = tmp.resolve("stopped");
        train(sc, 2, two, null);
        // replica 0 fails at step 2 of epoch 2 in every attempt: Spark gives up on the stage and the job
        SparkTraining.InjectedFailure always = new SparkTraining.InjectedFailure(0, 2, 2, Integer.MAX_VALUE, false);
        assertThrows(SparkException.class, () -> train(sc, 2, stopped, always), "Spark gives up");
        assertEquals(1, Checkpoint.load(stopped.resolve(Trainer.CHECKPOINT)).epoch(), "the driver wrote epoch 1's checkpoint");
        assertEquals(1, Files.readAllLines(stopped.resolve(Trainer.METRICS)).size());
        assertFalse(Files.exists(stopped.resolve(Trainer.MODEL)));
        assertThrows(IllegalArgumentException.class, () -> train(sc, 2, stopped, null), "an unfinished run is not overwritten unasked");

        ByteArrayOutputStream driverOut = new ByteArrayOutputStream();
        SparkTraining.Outcome o = SparkTraining.run(sc, 2, true, TINY, stopped, true, false, null, new PrintStream(driverOut, true, StandardCharsets.UTF_8));
        assertEquals(1, o.stages(), "only epoch 2 trained again");
        String said = driverOut.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("resuming " + stopped + " from epoch 1 of 2"), said);
        assertTrue(said.contains("epoch  2/2") && !said.contains("epoch  1/2"), "the driver prints the leader's line of each epoch it trains: " + said);
        Map<String, Tensor> a = weights(two), b = weights(stopped);
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), "resumed: " + k);
        List<String> rows = Files.readAllLines(stopped.resolve(Trainer.METRICS)), expected = Files.readAllLines(two.resolve(Trainer.METRICS));
        assertEquals(2, rows.size());
        for (int row = 0; row < 2; row++) assertEquals(withoutSpeed(expected.get(row)), withoutSpeed(rows.get(row)));
        assertEquals(1, record(stopped).getAsJsonArray("resumed").size(), "one resumed invocation recorded");
        try (var left = Files.list(stopped)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList(), "no half-written files");
        }
    }

    private static String withoutSpeed(String metricsRow) {
        return metricsRow.replaceAll(",\"train_images_per_second.*", "");
    }

    private static JsonObject record(Path run) throws IOException {
        return JsonParser.parseString(Files.readString(run.resolve(RunRecord.FILE))).getAsJsonObject();
    }
}
