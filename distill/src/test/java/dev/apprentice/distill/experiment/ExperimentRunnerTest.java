package dev.apprentice.distill.experiment;

import com.google.gson.JsonParser;
import dev.apprentice.distill.data.FashionMnist;
import dev.apprentice.distill.data.ImageSet;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.train.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny plan end to end: teacher first, C-style runs after their init, finished rows skipped on a re-run. */
class ExperimentRunnerTest {
    @TempDir
    Path tmp;

    private static final String PLAN = """
            {"data": "embedded",
             "recipe": {"epochs": 1, "batch_size": 32, "lr": 0.05},
             "finetune_recipe": {"epochs": 1, "lr": 0.01},
             "teachers": [{"arch": "resnet8", "width": 0.5, "seed": 1}],
             "cells": [
               {"student": "resnet8", "width": 0.25, "precision": "a8w2", "scheme": "finetune", "seeds": [1]},
               {"student": "resnet8", "width": 0.25, "precision": "fp32", "scheme": "none", "seeds": [1]},
               {"student": "resnet8", "width": 0.25, "precision": "a8w2", "scheme": "B", "teacher": "resnet8", "seeds": [1]}
             ]}""";

    private static Splits tiny() throws IOException {
        Splits full = FashionMnist.embedded();
        return new Splits(first(full.train(), 96), first(full.test(), 48), "tiny");
    }

    private static ImageSet first(ImageSet s, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i * (s.size() / n);
        return s.subset(idx, s.name());
    }

    @Test
    void runsTeachersThenCellsAndSkipsFinishedRows() throws IOException {
        Plan plan = Plan.parse(JsonParser.parseString(PLAN).getAsJsonObject());
        Path csv = tmp.resolve("docs/results.csv"), runs = tmp.resolve("runs");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Splits data = tiny();
        new ExperimentRunner(plan, data, runs, new ResultsFile(csv), csv.getParent(), quiet, Progress.QUIET).run();

        List<String> lines = Files.readAllLines(csv);
        assertEquals(ResultRow.HEADER, lines.get(0));
        assertEquals(4, lines.size() - 1, String.join("\n", lines));
        String provenance = ",([0-9a-f]{12}(-dirty)?|unknown)," + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "," + plan.data() + ":[0-9a-f]{12}";
        assertTrue(lines.get(1).matches("resnet8,,fp32,none,1,1,.*,0\\.5,1" + provenance), "teacher first: " + lines);
        assertTrue(lines.get(2).matches("resnet8,,fp32,none,1,1,.*,0\\.25,1" + provenance), lines.toString());
        assertTrue(lines.get(3).matches("resnet8,resnet8,a8w2,B,1,1,.*,0\\.25,1" + provenance), lines.toString());
        assertTrue(lines.get(4).matches("resnet8,,a8w2,finetune,1,1,.*,0\\.25,1" + provenance), "finetune after its init: " + lines);
        assertTrue(Files.readString(csv.getParent().resolve("table.md")).contains("| resnet8x0.25, scheme B, teacher resnet8 |"));
        assertTrue(Files.exists(csv.getParent().resolve("plots/resnet8x0.25-a8w2.png")));
        assertTrue(Files.exists(csv.getParent().resolve("plots/resnet8x0.25-final.png")), "final errors with the seeds' range");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new ExperimentRunner(plan, data, runs, new ResultsFile(csv), csv.getParent(), new PrintStream(log), Progress.QUIET).run();
        assertTrue(log.toString().contains("4 already in the results, 0 to do"), log.toString());
        assertEquals(lines, Files.readAllLines(csv), "a re-run changes nothing");

        // Drop the finetune row: only that run is redone, from its finished checkpoint.
        Files.write(csv, lines.subList(0, 4));
        log.reset();
        new ExperimentRunner(plan, data, runs, new ResultsFile(csv), csv.getParent(), new PrintStream(log), Progress.QUIET).run();
        assertTrue(log.toString().contains("3 already in the results, 1 to do"), log.toString());
        assertEquals(withoutSeconds(lines.get(4)), withoutSeconds(Files.readAllLines(csv).get(4)));

        // Every run left its metrics beside the results, and the fp32 runs their models.
        Path kept = csv.getParent().resolve(ExperimentRunner.ARCHIVE);
        for (String run : List.of("resnet8x0.5-fp32-none-s1", "resnet8x0.25-fp32-none-s1", "resnet8x0.25-a8w2-B-resnet8-s1", "resnet8x0.25-a8w2-finetune-s1"))
            assertTrue(Files.exists(kept.resolve(run).resolve("metrics.jsonl")), run);
        assertTrue(Files.exists(kept.resolve("resnet8x0.5-fp32-none-s1/model.safetensors")));
        assertTrue(Files.exists(kept.resolve("resnet8x0.25-fp32-none-s1/model.safetensors")));
        assertTrue(Files.notExists(kept.resolve("resnet8x0.25-a8w2-B-resnet8-s1/model.safetensors")));

        // A new sitting without the run directories: B starts from the committed teacher, not a retrained one.
        deleteTree(runs);
        Files.write(csv, lines.subList(0, 3));
        log.reset();
        new ExperimentRunner(plan, data, runs, new ResultsFile(csv), csv.getParent(), new PrintStream(log), Progress.QUIET).run();
        assertTrue(log.toString().contains("2 already in the results, 2 to do"), log.toString());
        assertTrue(!log.toString().contains("training it again"), log.toString());
        assertEquals(withoutSeconds(lines.get(3)), withoutSeconds(Files.readAllLines(csv).get(3)),
                "B from the committed teacher matches B from the original one");

        // With the committed teacher gone as well, the teacher is trained again and its row left alone.
        deleteTree(runs);
        deleteTree(kept.resolve("resnet8x0.5-fp32-none-s1"));
        List<String> now = Files.readAllLines(csv);
        Files.write(csv, now.stream().filter(l -> !l.contains(",B,")).toList());
        log.reset();
        new ExperimentRunner(plan, data, runs, new ResultsFile(csv), csv.getParent(), new PrintStream(log), Progress.QUIET).run();
        assertTrue(log.toString().contains("the teacher resnet8x0.5-fp32-none-s1 is neither in"), log.toString());
        assertEquals(now.size(), Files.readAllLines(csv).size(), "the teacher's row is not added twice");
        assertTrue(Files.exists(kept.resolve("resnet8x0.5-fp32-none-s1/model.safetensors")));
    }

    /** A results line without its train_seconds field (the 9th), which differs between equal runs. */
    private static String withoutSeconds(String line) {
        return line.replaceFirst("^((?:[^,]*,){8})[^,]*", "$1");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void temperatureAndWidthMakeTheirOwnCellsAndRows() throws IOException {
        Plan plan = Plan.parse(JsonParser.parseString("""
                {"recipe": {"epochs": 1, "batch_size": 32, "lr": 0.05},
                 "teachers": [{"arch": "resnet8", "width": 0.5, "seed": 1}],
                 "cells": [
                   {"student": "resnet8", "width": 0.25, "precision": "a8w2", "scheme": "B", "teacher": "resnet8", "seeds": [1]},
                   {"student": "resnet8", "width": 0.25, "precision": "a8w2", "scheme": "B", "teacher": "resnet8", "tau": 2, "seeds": [1]}
                 ]}""").getAsJsonObject());
        Path csv = tmp.resolve("docs/results.csv"), runs = tmp.resolve("runs");
        // A results file from before the width and tau columns: its rows read as width 1, tau 1.
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds\n"
                + "resnet20,,fp32,none,1,10,6.55,0.03,4401\n");
        new ExperimentRunner(plan, tiny(), runs, new ResultsFile(csv), csv.getParent(), new PrintStream(new ByteArrayOutputStream()), Progress.QUIET).run();

        List<String> lines = Files.readAllLines(csv);
        assertEquals(ResultRow.HEADER, lines.get(0), "rewritten with the new columns");
        assertEquals("resnet20,,fp32,none,1,10,6.55,0.03,4401,1,1,,,", lines.get(1));
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(3).matches("resnet8,resnet8,a8w2,B,1,1,.*,0\\.25,1,.*"), lines.toString());
        assertTrue(lines.get(4).matches("resnet8,resnet8,a8w2,B,1,1,.*,0\\.25,2,.*"), lines.toString());
        assertTrue(Files.exists(runs.resolve("resnet8x0.25-a8w2-B-resnet8-t2-s1/metrics.jsonl")));
        String table = Files.readString(csv.getParent().resolve("table.md"));
        assertTrue(table.contains("| resnet8x0.25, scheme B, teacher resnet8 |"), table);
        assertTrue(table.contains("| resnet8x0.25, scheme B, teacher resnet8, τ = 2 |"), table);
        assertTrue(table.contains("(n=1)") && !table.contains("n=2"), "the two temperatures are not averaged together: " + table);

        var e = assertThrows(IllegalArgumentException.class, () -> Plan.parse(JsonParser.parseString("""
                {"recipe": {}, "cells": [{"student": "resnet8", "precision": "fp32", "scheme": "none", "tau": 2, "seeds": [1]}]}
                """).getAsJsonObject()));
        assertTrue(e.getMessage().contains("no temperature"), e.getMessage());
    }

    @Test
    void aSittingRunsTheSeedsAndSchemesItIsGiven() {
        Plan plan = Plan.parse(JsonParser.parseString("""
                {"recipe": {}, "teachers": [{"arch": "resnet20", "seed": 1}],
                 "cells": [
                   {"student": "resnet8", "precision": "fp32", "scheme": "none", "seeds": [1, 2, 3]},
                   {"student": "resnet8", "precision": "a8w2", "scheme": "B", "teacher": "resnet20", "seeds": [1, 2, 3]},
                   {"student": "resnet8", "precision": "a8w2", "scheme": "finetune", "seeds": [1, 2]}
                 ]}""").getAsJsonObject());
        Plan seed2 = plan.only(java.util.Set.of(2), null);
        assertEquals(List.of(List.of(2), List.of(2), List.of(2)), seed2.cells().stream().map(Plan.Cell::seeds).toList());
        assertEquals(1, seed2.teachers().size(), "B of seed 2 needs the teacher");
        Plan noneOnly = plan.only(java.util.Set.of(3), java.util.Set.of(dev.apprentice.distill.apprentice.Scheme.NONE));
        assertEquals(1, noneOnly.cells().size());
        assertEquals(List.of(3), noneOnly.cells().get(0).seeds());
        assertTrue(noneOnly.teachers().isEmpty(), "the teacher's seed is 1, and no B or C cell needs it");
        Plan finetune = plan.only(null, java.util.Set.of(dev.apprentice.distill.apprentice.Scheme.FINETUNE));
        assertEquals(List.of(1, 2), finetune.cells().get(0).seeds());
        assertTrue(finetune.teachers().isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> plan.only(java.util.Set.of(3),
                java.util.Set.of(dev.apprentice.distill.apprentice.Scheme.FINETUNE)));
        assertTrue(e.getMessage().startsWith("no run of the plan has a seed in [3] and a scheme in [finetune]"), e.getMessage());
    }

    @Test
    void plansThatCannotRunAreRefusedUpFront() {
        var e = assertThrows(IllegalArgumentException.class, () -> Plan.parse(JsonParser.parseString("""
                {"recipe": {}, "cells": [{"student": "resnet8", "precision": "a8w2", "scheme": "C", "teacher": "resnet20", "seeds": [1]}]}
                """).getAsJsonObject()));
        assertTrue(e.getMessage().contains("not among the plan's teachers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Plan.parse(JsonParser.parseString("""
                {"recipe": {}, "cells": [{"student": "resnet8", "precision": "a8w2", "scheme": "finetune", "seeds": [1]}]}
                """).getAsJsonObject()));
        assertTrue(e.getMessage().contains("fp32 scheme-none run of seed 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ResultsFile(writeBad()));
        assertTrue(e.getMessage().contains("not a results file"), e.getMessage());
    }

    private Path writeBad() throws IOException {
        Path p = tmp.resolve("bad.csv");
        Files.writeString(p, "a,b,c\n");
        return p;
    }
}
