package dev.apprentice.distill.train;

import dev.apprentice.distill.data.FashionMnist;
import dev.apprentice.distill.data.ImageSet;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.nn.io.SafeTensors;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run killed mid-epoch and resumed ends with bit-identical weights to an uninterrupted one. */
class ResumeTest {
    @TempDir
    Path tmp;

    static Splits tiny() throws IOException {
        Splits full = FashionMnist.embedded();
        return new Splits(first(full.train(), 192), first(full.test(), 64), "tiny");
    }

    private static ImageSet first(ImageSet s, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i * (s.size() / n);
        return s.subset(idx, s.name());
    }

    static TrainConfig config(Path out, int epochs) {
        return new TrainConfig("resnet8", 0.25, epochs, 32, 0.05, "onecycle", 0.15, 0.9, true, 5e-4, 2, true, 7, out);
    }

    /** Throws from inside the training loop at the given epoch and step, like a kill would. */
    static Progress crashingAt(int epoch, int stepInEpoch) {
        return (task, batches) -> new Progress.Bar() {
            int steps;

            @Override
            public void step(String status) {
                if (task.startsWith("epoch " + epoch + "/") && ++steps == stepInEpoch) throw new IllegalStateException("killed");
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void resumedRunMatchesUninterruptedRunBitForBit() throws IOException {
        Splits data = tiny();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        new Trainer(config(a, 3), data, quiet, Progress.QUIET).run(false, false);

        assertThrows(IllegalStateException.class, () -> new Trainer(config(b, 3), data, quiet, crashingAt(2, 3)).run(false, false));
        assertEquals(1, metricsLines(b), "only epoch 1 finished before the kill");
        assertTrue(Files.exists(b.resolve(Trainer.CHECKPOINT)));
        new Trainer(config(b, 3), data, quiet, Progress.QUIET).run(true, false);

        Map<String, Tensor> wa = SafeTensors.read(a.resolve(Trainer.MODEL)).tensors();
        Map<String, Tensor> wb = SafeTensors.read(b.resolve(Trainer.MODEL)).tensors();
        assertEquals(wa.keySet(), wb.keySet());
        for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data(), wb.get(k).data(), k);
        assertEquals(3, metricsLines(b));
        assertEquals(Files.readAllLines(a.resolve(Trainer.METRICS)).get(2).replaceAll(",\"train_images_per_second.*", ""),
                Files.readAllLines(b.resolve(Trainer.METRICS)).get(2).replaceAll(",\"train_images_per_second.*", ""));
    }

    @Test
    void aRunCheckpointedWithinItsEpochResumesThereToTheUninterruptedResult() throws IOException {
        Splits data = tiny();   // 192 images, batch 32: 6 steps an epoch
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        new Trainer(config(a, 3), data, quiet, Progress.QUIET).run(false, false);

        assertThrows(IllegalStateException.class,
                () -> new Trainer(config(b, 3), data, quiet, crashingAt(2, 5)).checkpointEvery(2).run(false, false));
        Checkpoint within = Checkpoint.load(b.resolve(Trainer.CHECKPOINT));
        assertEquals(1, within.epoch(), "epochs finished");
        assertEquals(4, within.stepInEpoch(), "killed in step 5 of epoch 2: the last checkpoint is after step 4");
        assertEquals(4 * 32, (long) within.epochSums()[6], "the epoch's images so far");
        Path damaged = tmp.resolve("damaged.safetensors");   // a mid-epoch checkpoint whose epoch sums lost values
        SafeTensors.Contents saved = SafeTensors.read(b.resolve(Trainer.CHECKPOINT));
        Map<String, String> meta = new java.util.LinkedHashMap<>(saved.metadata());
        meta.put("epoch_sums", "1.0,2.0");
        SafeTensors.write(damaged, saved.tensors(), meta);
        ModelFileException refused = assertThrows(ModelFileException.class, () -> Checkpoint.load(damaged));
        assertTrue(refused.getMessage().contains(damaged.toString()) && refused.getMessage().contains("epoch_sums"), refused.getMessage());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(config(b, 3), data, new PrintStream(log), Progress.QUIET).checkpointEvery(2).run(true, false);
        assertTrue(log.toString().contains("in epoch 2 of 3 after step 4"), log.toString());

        Map<String, Tensor> wa = SafeTensors.read(a.resolve(Trainer.MODEL)).tensors();
        Map<String, Tensor> wb = SafeTensors.read(b.resolve(Trainer.MODEL)).tensors();
        for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data(), wb.get(k).data(), k);
        assertEquals(3, metricsLines(b), "each epoch recorded once");
        for (int row = 0; row < 3; row++)
            assertEquals(Files.readAllLines(a.resolve(Trainer.METRICS)).get(row).replaceAll(",\"train_images_per_second.*", ""),
                    Files.readAllLines(b.resolve(Trainer.METRICS)).get(row).replaceAll(",\"train_images_per_second.*", ""),
                    "epoch " + (row + 1) + "'s loss and accuracy, the resumed epoch's included");
        assertThrows(IllegalArgumentException.class, () -> new Trainer(config(b, 3), data, quiet, Progress.QUIET).checkpointEvery(-1));
    }

    @Test
    void resumeRefusesAnotherConfigAndExistingRunsAreNotOverwritten() throws IOException {
        Splits data = tiny();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path a = tmp.resolve("a");
        new Trainer(config(a, 1), data, quiet, Progress.QUIET).run(false, false);
        byte[] before = Files.readAllBytes(a.resolve(Trainer.CHECKPOINT));

        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(a, 2), data, quiet, Progress.QUIET).run(true, false));
        assertTrue(e.getMessage().contains("epochs was 1, now 2"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(a, 1), data, quiet, Progress.QUIET).run(false, false));
        assertTrue(e2.getMessage().contains("--resume"), e2.getMessage());
        assertArrayEquals(before, Files.readAllBytes(a.resolve(Trainer.CHECKPOINT)), "refused runs leave the checkpoint alone");
        var e3 = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(tmp.resolve("none"), 1), data, quiet, Progress.QUIET).run(true, false));
        assertTrue(e3.getMessage().startsWith("nothing to resume"), e3.getMessage());
    }

    @Test
    void divergenceStopsWithAClearMessage() throws IOException {
        Splits data = tiny();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        TrainConfig explosive = new TrainConfig("resnet8", 0.25, 1, 32, 1e30, "constant", 0, 0.9, true, 0, 0, false, 7, tmp.resolve("x"));
        var e = assertThrows(DivergenceException.class, () -> new Trainer(explosive, data, quiet, Progress.QUIET).run(false, false));
        assertTrue(e.getMessage().startsWith("the loss became"), e.getMessage());
        assertTrue(e.getMessage().contains("--lr"), e.getMessage());
        assertTrue(e.getMessage().contains("No checkpoint was written"), "diverged in epoch 1, before any checkpoint: " + e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("x").resolve(Trainer.MODEL)), "no model written for a diverged run");
    }

    @Test
    void resumeOfARunKilledInItsFirstEpochStartsOverSayingSo() throws IOException {
        Splits data = tiny();
        Path dir = Files.createDirectories(tmp.resolve("killed"));
        Files.writeString(dir.resolve(Trainer.METRICS), "epoch,loss\n"); // what a run killed before its first checkpoint leaves
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(config(dir, 1), data, new PrintStream(log), Progress.QUIET).run(true, false);
        assertTrue(log.toString().contains("starting over"), log.toString());
        assertTrue(Files.exists(dir.resolve(Trainer.MODEL)));
    }

    @Test
    void anOutThatCannotHoldTheRunIsRefusedBeforeTraining() throws IOException {
        Splits data = tiny();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path file = Files.writeString(tmp.resolve("afile"), "not a directory");
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(file, 1), data, quiet, Progress.QUIET).run(false, false));
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
        // procfs refuses new directories even to root, for whom no permission bit would
        var e2 = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(Path.of("/proc/apprentice-run"), 1), data, quiet, Progress.QUIET).run(false, false));
        assertTrue(e2.getMessage().startsWith("cannot write the run to /proc/apprentice-run"), e2.getMessage());
    }

    private static int metricsLines(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(Trainer.METRICS));
        return (int) lines.stream().filter(l -> !l.isBlank()).count();
    }
}
