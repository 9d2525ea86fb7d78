package dev.apprentice.tests;

import dev.apprentice.distill.cli.Cli;
import dev.apprentice.distill.data.FashionMnist;
import dev.apprentice.distill.data.ImageSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end on real (tiny) IDX files: results, files, and errors users cause. */
class CliTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** Writes the first n train / m test images of the embedded subset as raw IDX files. */
    private Path tinyData(int n, int m) throws IOException {
        var full = FashionMnist.embedded();
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        write(dir, "train", full.train(), n);
        write(dir, "t10k", full.test(), m);
        return dir;
    }

    private static void write(Path dir, String prefix, ImageSet s, int n) throws IOException {
        int sz = s.imageBytes();
        ByteBuffer img = ByteBuffer.allocate(16 + n * sz).putInt(2051).putInt(n).putInt(s.height()).putInt(s.width());
        img.put(s.pixels(), 0, n * sz);
        ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(2049).putInt(n);
        for (int i = 0; i < n; i++) lab.put((byte) s.labels()[i]);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
    }

    @Test
    void trainThenEvalGiveTheSameAccuracy() throws IOException {
        Path data = tinyData(128, 64), run = tmp.resolve("run");
        int code = Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", "fp32", "--model", "resnet8", "--width", "0.25", "--epochs", "2",
                "--batch-size", "32", "--out", run.toString(), "--quiet", "--threads", "2");
        assertEquals(0, code, err.toString());
        String log = out.toString();
        assertTrue(log.contains("data: IDX files in " + data), log);
        assertTrue(log.contains("epoch  2/2"), log);
        String acc = log.replaceAll("(?s).*test accuracy: top-1 ([0-9.]+)%.*", "$1");
        assertTrue(Files.exists(run.resolve("model.safetensors")));
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());

        out.reset();
        assertEquals(0, Cli.run("eval", run.resolve("model.safetensors").toString(), "--data", data.toString()), err.toString());
        assertTrue(out.toString().contains("top-1 " + acc + "%"), out + " vs " + acc);
    }

    /**
     * A PyTorch state dict (ResNet-8 of nn/src/main/python/apprentice_resnet.py saved with safetensors; see
     * distill/src/test/resources/pytorch) evaluates once its network is named, and teaches in scheme B
     * with the same test accuracy as eval gives it.
     */
    @Test
    void pyTorchStateDictEvaluatesAndTeaches() throws IOException {
        Path data = tinyData(96, 64), torch = Path.of("..", "distill", "src", "test", "resources", "pytorch", "resnet8-torch.safetensors");
        assertEquals(2, Cli.run("eval", torch.toString(), "--data", data.toString()));
        assertTrue(err.toString().contains("no 'arch' metadata") && err.toString().contains("--arch"), err.toString());

        assertEquals(0, Cli.run("eval", torch.toString(), "--arch", "resnet8", "--data", data.toString()), err.toString());
        String acc = out.toString().replaceAll("(?s).*resnet8.*?: top-1 ([0-9.]+)%.*", "$1");
        assertTrue(acc.matches("[0-9.]+"), out.toString());

        out.reset();
        int code = Cli.run("train", "--data", data.toString(), "--scheme", "B", "--teacher", "resnet8", "--teacher-model", torch.toString(),
                "--student", "resnet8", "--width", "0.25", "--epochs", "1", "--batch-size", "32", "--out", tmp.resolve("b").toString(), "--quiet");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("(frozen): test top-1 " + acc + "%"), out + " vs eval " + acc);
    }

    /** The default job: scheme A, a ResNet teacher and a ternary student trained together; both models and the packed student written. */
    @Test
    void defaultSchemeATrainsTeacherAndStudentAndPacksTheStudent() throws IOException {
        Path data = tinyData(128, 64), run = tmp.resolve("main");
        int code = Cli.run("train", "--data", data.toString(), "--width", "0.25", "--teacher-width", "0.25", "--epochs", "1",
                "--batch-size", "32", "--out", run.toString(), "--quiet");
        assertEquals(0, code, err.toString());
        String log = out.toString();
        assertTrue(log.contains("scheme A, teacher resnet20"), log);
        assertTrue(log.contains("teacher test accuracy: top-1"), log);
        assertTrue(log.contains("student (resnet8×0.25 a8w2) test accuracy: top-1"), log);
        for (String f : new String[] {"model.safetensors", "teacher.safetensors", "model.packed.safetensors", "metrics.jsonl"})
            assertTrue(Files.exists(run.resolve(f)), f);
        out.reset();
        assertEquals(0, Cli.run("eval", "--packed", run.resolve("model.packed.safetensors").toString(), "--data", data.toString()), err.toString());
        assertTrue(out.toString().contains("packed on cpu: top-1"), out.toString());
        out.reset();
        assertEquals(0, Cli.run("export", run.resolve("model.safetensors").toString(), "--out", tmp.resolve("again.packed.safetensors").toString()), err.toString());
        assertTrue(out.toString().contains("smaller"), out.toString());
    }

    /** Every precision spec trains end to end from the command line; those with quantized activations are also packed. */
    @Test
    void everyPrecisionTrainsFromTheCommandLine() throws IOException {
        Path data = tinyData(64, 32);
        for (String p : new String[] {"a2w2", "a4w2", "a4w4", "a8w4", "a8w8", "a2w8", "a32w2", "a32w4", "a4w32", "fp32"}) {
            Path run = tmp.resolve("p-" + p);
            out.reset();
            assertEquals(0, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", p, "--width", "0.25", "--epochs", "1",
                    "--batch-size", "32", "--out", run.toString(), "--quiet"), p + ": " + err);
            assertEquals(p.startsWith("a32") || p.equals("fp32") ? false : true, Files.exists(run.resolve("model.packed.safetensors")), p);
            assertTrue(out.toString().contains("test accuracy: top-1"), p + ": " + out);
            if (Files.exists(run.resolve("model.packed.safetensors"))) {
                String acc = out.toString().replaceAll("(?s).*test accuracy: top-1 ([0-9.]+)%.*", "$1");
                out.reset();
                assertEquals(0, Cli.run("eval", "--packed", run.resolve("model.packed.safetensors").toString(), "--data", data.toString()), p + ": " + err);
                assertTrue(out.toString().contains("top-1 "), out.toString());
                double packed = Double.parseDouble(out.toString().replaceAll("(?s).*packed on cpu: top-1 ([0-9.]+)%.*", "$1"));
                assertEquals(Double.parseDouble(acc), packed, 100.0 / 32 + 1e-9, p + ": packed accuracy within one of 32 test images");
            }
        }
    }

    /** The help every error message points to: `COMMAND --help` prints that command's options and exits 0. */
    @Test
    void everyCommandAnswersHelp() {
        for (String command : new String[] {"train", "eval", "export", "infer", "experiment", "summary"}) {
            out.reset();
            err.reset();
            assertEquals(0, Cli.run(command, "--help"), command + ": " + err);
            assertTrue(out.toString().contains("Usage: apprentice-engine " + command), command + ": " + out);
            assertEquals("", err.toString(), command);
        }
        assertTrue(out.toString().contains("--model"), "summary lists its options: " + out);
    }

    /**
     * --vector-bits reaches the kernels: in a fresh JVM (the kernels read their width once), training
     * at 128 bits and with the scalar kernels says so in its header and finishes.
     */
    @Test
    void vectorBitsChoosesTheKernelsWidth() throws Exception {
        Path data = tinyData(64, 32);
        for (String bits : new String[] {"128", "scalar"}) {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    "dev.apprentice.distill.cli.Cli", "train", "--data", data.toString(), "--scheme", "none", "--precision", "fp32", "--model", "resnet8",
                    "--width", "0.25", "--epochs", "1", "--quiet", "--vector-bits", bits, "--out", tmp.resolve("vb-" + bits).toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), log);
            String expected = bits.equals("scalar") ? "machine: 2 threads, scalar kernels (apprentice.vector.bits=scalar)" : "128-bit vectors (apprentice.vector.bits=128)";
            assertTrue(log.contains(expected.replace("2 threads", Runtime.getRuntime().availableProcessors() + " threads")), log);
        }
    }

    /**
     * A small heap: training at batch 15 then evaluating (default batches of 500) fits, the evaluation
     * batch sized from the memory left; what cannot fit at all ends in one line, not a stack trace.
     */
    @Test
    void aSmallHeapEvaluatesInSmallerBatchesAndOtherwiseFailsInOneLine() throws Exception {
        Path data = tinyData(64, 600), run = tmp.resolve("small-heap");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.function.Function<String[], Process> cli = a -> {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "--add-modules", "jdk.incubator.vector", "-Xmx64m",
                    "-cp", System.getProperty("java.class.path"), "dev.apprentice.distill.cli.Cli"));
            cmd.addAll(java.util.List.of(a));
            try {
                return new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Process p = cli.apply(new String[] {"train", "--data", data.toString(), "--scheme", "none", "--precision", "fp32", "--model", "resnet8",
                "--epochs", "1", "--batch-size", "8", "--quiet", "--out", run.toString()});
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        assertTrue(log.contains("test accuracy: top-1"), log);

        p = cli.apply(new String[] {"summary", "--model", "resnet110", "--input", "3x4000x4000"});
        log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(2, p.waitFor(), log);
        assertTrue(log.lines().reduce((a, b) -> b).orElse("").startsWith("error: out of memory (Java's heap is"), log);
        assertFalse(log.contains("Exception") || log.contains("\tat "), "no stack trace: " + log);
    }

    @Test
    void exportAndEvalRefuseWhatWouldLoseOrMislabelAModel() throws IOException {
        Path data = tinyData(64, 32), run = tmp.resolve("q");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", "a8w2", "--model", "resnet8", "--width", "0.25",
                "--epochs", "1", "--batch-size", "32", "--out", run.toString(), "--quiet"), err.toString());
        Path model = run.resolve("model.safetensors");
        byte[] before = Files.readAllBytes(model);
        err.reset();
        assertEquals(2, Cli.run("export", model.toString(), "-o", model.toString()));
        assertTrue(err.toString().contains("is the model being exported"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(model), "export -o MODEL must leave the model alone");

        err.reset();
        assertEquals(2, Cli.run("eval", model.toString(), "--arch", "resnet20", "--data", data.toString()));
        assertTrue(err.toString().contains("does not match") && err.toString().contains("resnet8"), err.toString());

        err.reset();
        assertEquals(2, Cli.run("train", "--data", data.toString(), "--scheme", "B", "--teacher-model", model.toString(), "--precision", "a8w2",
                "--model", "resnet8", "--width", "0.25", "--epochs", "1", "--out", tmp.resolve("b").toString(), "--quiet"));
        assertTrue(err.toString().contains("holds an a8w2 network; it must be the full-precision teacher"), err.toString());

        err.reset();
        assertEquals(2, Cli.run("eval", model.toString(), "--data", tinyData(64, 0).toString()));
        assertTrue(err.toString().contains("the test set has no images"), err.toString());
    }

    @Test
    void threadsFarAboveTheCoresAreCappedWithAWarning() {
        int cores = Runtime.getRuntime().availableProcessors();
        String missing = tmp.resolve("none.safetensors").toString(); // the threads are set before the model is read
        Cli.run("eval", missing, "--threads", Integer.toString(64 * cores));
        assertTrue(err.toString().contains("warning: --threads " + 64 * cores + " on " + cores + " cores"), err.toString());
        assertEquals(cores, dev.apprentice.engine.parallel.Parallel.threads());
        err.reset();
        Cli.run("eval", missing, "--threads", Integer.toString(cores + 1));
        assertTrue(err.toString().contains("is more than the " + cores + " cores"), err.toString());
        assertEquals(cores + 1, dev.apprentice.engine.parallel.Parallel.threads());
        dev.apprentice.engine.parallel.Parallel.setThreads(cores);
    }

    /** Off a terminal no progress bar (no carriage returns), a config.json beside the run, and --resume alone continues it. */
    @Test
    void aRunRecordsHowItWasMadeAndResumesFromIt() throws IOException {
        Path data = tinyData(64, 32), run = tmp.resolve("recorded");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", "a8w2", "--model", "resnet8", "--width", "0.25",
                "--epochs", "2", "--batch-size", "32", "--out", run.toString()), err.toString());
        assertFalse(out.toString().contains("\r") || err.toString().contains("\r"), "no progress bar off a terminal");
        assertEquals(2, out.toString().lines().filter(l -> l.startsWith("epoch ")).count(), out.toString());
        var record = com.google.gson.JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        assertEquals("a8w2", record.getAsJsonObject("config").get("precision").getAsString());
        assertTrue(record.get("data").getAsString().contains(data.toString()), record.toString());
        assertEquals(64, record.get("data_sha256").getAsString().length());
        for (String key : new String[] {"commit", "host_cpu", "threads", "vectors", "java", "started", "ended"}) assertTrue(record.has(key), key + " in " + record);
        assertTrue(record.getAsJsonArray("command").toString().contains("--width"), record.toString());
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) assertTrue(line.matches(".*\"time\":\"20\\d\\d-.*Z\".*"), line);

        out.reset();
        err.reset();
        assertEquals(0, Cli.run("train", "--out", run.toString(), "--resume"), err.toString());
        assertTrue(out.toString().contains("resuming with the settings recorded in") && out.toString().contains("from epoch 2 of 2"), out.toString());
        record = com.google.gson.JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        assertEquals(1, record.getAsJsonArray("resumed").size(), record.toString());
    }

    @Test
    void mistypedCommandsAndOptionsGetSuggestionsAndPackedFilesAreRecognised() throws IOException {
        assertEquals(2, Cli.run("trian"));
        assertTrue(err.toString().contains("Did you mean: train"), err.toString());
        err.reset();
        assertEquals(2, Cli.run("train", "--epoch", "3"));
        assertTrue(err.toString().contains("Did you mean: --epochs?"), err.toString());

        Path data = tinyData(64, 32), run = tmp.resolve("p");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", "a8w2", "--model", "resnet8", "--width", "0.25",
                "--epochs", "1", "--batch-size", "32", "--out", run.toString(), "--quiet"), err.toString());
        out.reset();
        assertEquals(0, Cli.run("eval", run.resolve("model.packed.safetensors").toString(), "--data", data.toString()), err.toString());
        assertTrue(out.toString().contains("packed on cpu: top-1"), out.toString());
        // the CUDA backend is a plug-in found by name; without a GPU (as in CI) it says why in one line
        err.reset();
        int cuda = Cli.run("eval", run.resolve("model.packed.safetensors").toString(), "--data", data.toString(), "--device", "cuda");
        if (cuda != 0) assertTrue(err.toString().strip().matches("error: --device cuda: [^\\n]+"), err.toString());
        err.reset();
        assertEquals(2, Cli.run("eval", run.resolve("model.packed.safetensors").toString(), "--data", data.toString(), "--device", "tpu"));
        assertTrue(err.toString().contains("unknown device 'tpu'; this installation has") && err.toString().contains("cuda"), err.toString());
    }

    @Test
    void inferNamesTheClassesAndSpeaksJson() throws IOException {
        Path data = tinyData(64, 32), run = tmp.resolve("names");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", "a8w2", "--model", "resnet8", "--width", "0.25",
                "--epochs", "1", "--batch-size", "32", "--out", run.toString(), "--quiet"), err.toString());
        ImageSet test = FashionMnist.embedded().test();
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 28 * 28; i++) img.getRaster().setSample(i % 28, i / 28, 0, test.pixels()[i] & 0xff);
        Path png = tmp.resolve("shoe.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        for (String model : new String[] {"model.packed.safetensors", "model.safetensors"}) {
            out.reset();
            assertEquals(0, Cli.run("infer", run.resolve(model).toString(), png.toString()), err.toString());
            String line = out.toString().strip();
            assertTrue(java.util.Arrays.stream(FashionMnist.CLASSES).filter(line::contains).count() >= 3, "three class names: " + line);
            out.reset();
            assertEquals(0, Cli.run("infer", "--json", run.resolve(model).toString(), png.toString()), err.toString());
            var o = com.google.gson.JsonParser.parseString(out.toString().strip()).getAsJsonObject();
            assertEquals(png.toString(), o.get("image").getAsString());
            var top = o.getAsJsonArray("top");
            assertEquals(3, top.size());
            double p0 = top.get(0).getAsJsonObject().get("probability").getAsDouble(), p2 = top.get(2).getAsJsonObject().get("probability").getAsDouble();
            assertTrue(p0 >= p2 && p0 <= 1, out.toString());
            int c = top.get(0).getAsJsonObject().get("class").getAsInt();
            assertEquals(FashionMnist.CLASSES[c], top.get(0).getAsJsonObject().get("name").getAsString());
        }
    }

    @Test
    void inferWithoutAnImageIsAUsageError() {
        assertEquals(2, Cli.run("infer", tmp.resolve("model.packed.safetensors").toString()));
        assertTrue(err.toString().contains("Missing required parameter") && err.toString().contains("IMAGE"), err.toString());
    }

    @Test
    void badFlagsAndValuesEndInOneLineAndExitCodeTwo() {
        assertEquals(2, Cli.run("train", "--epochz", "3"));
        assertEquals("error: Unknown options: '--epochz', '3'\nDid you mean: --epochs?\nTry 'apprentice-engine train --help' for the options.",
                err.toString().strip().replace(System.lineSeparator(), "\n"));
        err.reset();
        assertEquals(2, Cli.run("train", "--epochs", "0", "--out", tmp.resolve("r").toString()));
        assertEquals("error: --epochs must be >= 1, got 0", err.toString().strip());
        err.reset();
        assertEquals(2, Cli.run("train", "--model", "resnet21", "--out", tmp.resolve("r").toString()));
        assertTrue(err.toString().startsWith("error: unknown model 'resnet21'"), err.toString());
        assertFalse(Files.exists(tmp.resolve("r")), "nothing written for refused runs");
        err.reset();
        assertEquals(2, Cli.run("train", "--precision", "a3w2", "--out", tmp.resolve("r").toString()));
        assertTrue(err.toString().startsWith("error: precision 'a3w2'"), err.toString());
        err.reset();
        assertEquals(2, Cli.run("train", "--vector-bits", "384", "--out", tmp.resolve("r").toString()));
        assertEquals("error: --vector-bits must be 512, 256, 128 or scalar, got '384'", err.toString().strip().lines().findFirst().orElse(""));
        err.reset();
        assertEquals(2, Cli.run("train", "--scheme", "B", "--out", tmp.resolve("r").toString()));
        assertTrue(err.toString().contains("give --teacher-model FILE"), err.toString());
        assertFalse(Files.exists(tmp.resolve("r")), "nothing written for refused runs");
    }

    @Test
    void anExperimentSittingThatSelectsNothingIsRefused() throws IOException {
        Path plan = tmp.resolve("plan.json"), results = tmp.resolve("results.csv");
        Files.writeString(plan, """
                {"recipe": {}, "cells": [{"student": "resnet8", "precision": "fp32", "scheme": "none", "seeds": [1]}]}""");
        assertEquals(2, Cli.run("experiment", "--plan", plan.toString(), "--seeds", "9", "--results", results.toString()));
        assertEquals("error: no run of the plan has a seed in [9]", err.toString().strip());
        err.reset();
        assertEquals(2, Cli.run("experiment", "--plan", plan.toString(), "--schemes", "D", "--results", results.toString()));
        assertTrue(err.toString().startsWith("error: "), err.toString());
        assertFalse(Files.exists(results), "nothing written for refused runs");
    }

    /** A checkpoint of another network, a batch too big for the heap, a loss that becomes NaN: one line, exit 2, nothing half-written. */
    @Test
    void runsThatCannotWorkStopWithOneClearLine() throws IOException {
        Path data = tinyData(64, 32), run = tmp.resolve("r8");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--model", "resnet8", "--width", "0.25", "--epochs", "1",
                "--batch-size", "32", "--out", run.toString(), "--quiet"), err.toString());
        byte[] checkpoint = Files.readAllBytes(run.resolve("checkpoint.safetensors"));

        err.reset();
        assertEquals(2, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--model", "resnet20", "--width", "0.25", "--epochs", "1",
                "--batch-size", "32", "--out", run.toString(), "--resume", "--quiet"));
        assertTrue(err.toString().contains("from a different run: arch was resnet8, now resnet20"), err.toString());
        assertArrayEquals(checkpoint, Files.readAllBytes(run.resolve("checkpoint.safetensors")), "the refused resume left the checkpoint alone");

        err.reset();
        Path big = tmp.resolve("big");
        assertEquals(2, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--batch-size", "200000000", "--out", big.toString(), "--quiet"));
        assertTrue(err.toString().matches("(?s)error: a batch of 200000000 needs about .* GiB.*--batch-size.*\n"), err.toString());
        assertFalse(Files.exists(big), "nothing written");

        err.reset();
        Path nan = tmp.resolve("nan");
        assertEquals(2, Cli.run("train", "--data", data.toString(), "--scheme", "none", "--precision", "fp32", "--width", "0.25", "--lr", "1e30",
                "--schedule", "constant", "--epochs", "1", "--batch-size", "32", "--out", nan.toString(), "--quiet"));
        assertTrue(err.toString().startsWith("error: the loss became"), err.toString());
        assertFalse(Files.exists(nan.resolve("model.safetensors")), "no model from a diverged run");

        err.reset();
        Path other = tinyDataOfSize(12);
        assertEquals(2, Cli.run("train", "--data", other.toString(), "--scheme", "B", "--teacher-model", run.resolve("model.safetensors").toString(),
                "--width", "0.25", "--epochs", "1", "--out", tmp.resolve("b").toString(), "--quiet"));
        assertTrue(err.toString().contains("takes 1×28×28 images"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace");
    }

    /** 12×12 crops of the embedded images: a dataset a 28×28 model does not fit. */
    private Path tinyDataOfSize(int size) throws IOException {
        var full = FashionMnist.embedded();
        Path dir = tmp.resolve("data" + size);
        Files.createDirectories(dir);
        for (var split : new Object[][] {{"train", full.train()}, {"t10k", full.test()}}) {
            ImageSet s = (ImageSet) split[1];
            int n = 32;
            ByteBuffer img = ByteBuffer.allocate(16 + n * size * size).putInt(2051).putInt(n).putInt(size).putInt(size);
            for (int i = 0; i < n; i++)
                for (int y = 0; y < size; y++) img.put(s.pixels(), i * s.imageBytes() + y * s.width(), size);
            ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(2049).putInt(n);
            for (int i = 0; i < n; i++) lab.put((byte) s.labels()[i]);
            Files.write(dir.resolve(split[0] + "-images-idx3-ubyte"), img.array());
            Files.write(dir.resolve(split[0] + "-labels-idx1-ubyte"), lab.array());
        }
        return dir;
    }

    @Test
    void missingTruncatedOrForeignFilesAreReportedNotThrown() throws IOException {
        assertEquals(2, Cli.run("train", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("r").toString()));
        assertTrue(err.toString().contains("not found"), err.toString());

        Path data = tinyData(64, 32);
        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] raw = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(raw, raw.length - 100));
        err.reset();
        assertEquals(2, Cli.run("train", "--data", data.toString(), "--out", tmp.resolve("r").toString()));
        assertTrue(err.toString().contains("truncated"), err.toString());

        Path junk = tmp.resolve("junk.safetensors");
        Files.writeString(junk, "definitely not a model");
        err.reset();
        assertEquals(2, Cli.run("eval", junk.toString()));
        assertTrue(err.toString().startsWith("error: " + junk + " is not a valid safetensors file"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace");
    }
}
