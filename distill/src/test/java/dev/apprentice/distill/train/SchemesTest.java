package dev.apprentice.distill.train;

import dev.apprentice.distill.apprentice.Distillation;
import dev.apprentice.distill.apprentice.LossWeights;
import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.io.SafeTensors;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each scheme does to the teacher and where the student starts, on a tiny real dataset. */
class SchemesTest {
    @TempDir
    static Path tmp;
    private static Splits data;
    private static Path fp32Student;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final QuantConfig A8W2 = QuantConfig.of(Precision.parse("a8w2"));

    static TrainConfig config(Path out, int epochs, QuantConfig q, Distillation d) {
        return new TrainConfig("resnet8", 0.25, q, epochs, 32, 0.05, "onecycle", 0.15, 0.9, true, 5e-4, 2, true, 7, out, d);
    }

    static Distillation scheme(Scheme s, Path teacherModel, Path init) {
        return new Distillation(s, s == Scheme.A ? "resnet8" : null, 0.5, teacherModel, init, LossWeights.PAPER);
    }

    /** One full-precision resnet8 run serves as the frozen teacher of B and C and as C's student init. */
    @BeforeAll
    static void trainFullPrecisionStudent() throws IOException {
        data = ResumeTest.tiny();
        Path dir = tmp.resolve("fp32");
        new Trainer(config(dir, 1, QuantConfig.FULL, Distillation.NONE), data, QUIET, Progress.QUIET).run(false, false);
        fp32Student = dir.resolve(Trainer.MODEL);
    }

    @Test
    void schemeATrainsTheTeacherAndResumesBitForBit() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("a-killed");
        TrainConfig cfg = config(a, 2, A8W2, scheme(Scheme.A, null, null));
        Module initialTeacher = Participants.build(cfg, data, Normalization.of(data.train()), QUIET).teacher();
        Trainer.Result r = new Trainer(cfg, data, QUIET, Progress.QUIET).run(false, false);
        Map<String, Tensor> trained = SafeTensors.read(r.teacherFile()).tensors();
        assertFalse(java.util.Arrays.equals(initialTeacher.stateDict().get("fc.weight").data(), trained.get("fc.weight").data()),
                "scheme A changes the teacher");
        assertTrue(Files.readString(a.resolve(Trainer.METRICS)).contains("\"loss_soft\""));

        TrainConfig cfgB = config(b, 2, A8W2, scheme(Scheme.A, null, null));
        assertThrows(IllegalStateException.class, () -> new Trainer(cfgB, data, QUIET, ResumeTest.crashingAt(2, 2)).run(false, false));
        new Trainer(cfgB, data, QUIET, Progress.QUIET).run(true, false);
        for (String file : new String[] {Trainer.MODEL, Trainer.TEACHER}) {
            Map<String, Tensor> x = SafeTensors.read(a.resolve(file)).tensors(), y = SafeTensors.read(b.resolve(file)).tensors();
            for (String k : x.keySet()) assertArrayEquals(x.get(k).data(), y.get(k).data(), file + " " + k);
        }
    }

    @Test
    void schemesBAndCNeverChangeTheFrozenTeacher() throws IOException {
        Map<String, Tensor> before = SafeTensors.read(fp32Student).tensors();
        for (Scheme s : new Scheme[] {Scheme.B, Scheme.C}) {
            TrainConfig cfg = config(tmp.resolve("frozen-" + s), 1, A8W2, scheme(s, fp32Student, s == Scheme.C ? fp32Student : null));
            Trainer.Result r = new Trainer(cfg, data, QUIET, Progress.QUIET).run(false, false);
            Map<String, Tensor> after = r.teacher().stateDict();
            assertEquals(before.keySet(), after.keySet());
            for (String k : before.keySet()) assertArrayEquals(before.get(k).data(), after.get(k).data(), s + ": teacher " + k + " changed");
            assertTrue(Files.readString(cfg.outDir().resolve(Trainer.METRICS)).contains("teacher_forward_share"));
        }
    }

    @Test
    void aResumedRunTakesTheFrozenTeachersTestAccuracyFromItsCheckpoint() throws IOException {
        Path dir = tmp.resolve("b-resumed");
        TrainConfig cfg = config(dir, 2, A8W2, scheme(Scheme.B, fp32Student, null));
        assertThrows(IllegalStateException.class, () -> new Trainer(cfg, data, QUIET, ResumeTest.crashingAt(2, 2)).run(false, false));
        Path ckpt = dir.resolve(Trainer.CHECKPOINT);
        Evaluation saved = Checkpoint.load(ckpt).frozenTeacherTest();
        double firstRow = com.google.gson.JsonParser.parseString(Files.readAllLines(dir.resolve(Trainer.METRICS)).get(0)).getAsJsonObject()
                .get("teacher_test_top1").getAsDouble();
        assertEquals(firstRow, saved.top1(), "the checkpoint keeps the evaluation the run reported");
        assertEquals(data.test().size(), saved.images());

        // a marked value in the checkpoint shows that the resumed run read it instead of evaluating the teacher again
        SafeTensors.Contents c = SafeTensors.read(ckpt);
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put("frozen_teacher_test", "12.5," + saved.top5() + "," + saved.loss() + "," + saved.images());
        SafeTensors.write(ckpt, c.tensors(), meta);
        Trainer.Result r = new Trainer(cfg, data, QUIET, Progress.QUIET).run(true, false);
        assertEquals(12.5, r.teacherTest().top1());
        assertTrue(Files.readAllLines(dir.resolve(Trainer.METRICS)).get(1).contains("\"teacher_test_top1\":12.5"));
    }

    @Test
    void schemesCAndFinetuneStartFromTheGivenStudent() throws IOException {
        Map<String, Tensor> init = SafeTensors.read(fp32Student).tensors();
        for (Scheme s : new Scheme[] {Scheme.C, Scheme.FINETUNE}) {
            TrainConfig cfg = config(tmp.resolve("init-" + s), 1, A8W2, scheme(s, s == Scheme.C ? fp32Student : null, fp32Student));
            Module student = Participants.build(cfg, data, Normalization.of(data.train()), QUIET).student();
            for (var e : student.stateDict().entrySet())
                assertArrayEquals(init.get(e.getKey()).data(), e.getValue().data(), s + ": " + e.getKey());
        }
        TrainConfig wrong = new TrainConfig("resnet20", 0.25, A8W2, 1, 32, 0.05, "onecycle", 0.15, 0.9, true, 5e-4, 2, true, 7,
                tmp.resolve("wrong"), scheme(Scheme.FINETUNE, null, fp32Student));
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(wrong, data, QUIET, Progress.QUIET).run(false, false));
        assertTrue(e.getMessage().contains("not the student"), e.getMessage());
    }
}
