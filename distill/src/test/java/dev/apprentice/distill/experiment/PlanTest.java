package dev.apprentice.distill.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole plan is checked before any run, and every refusal names the place in plain words. */
class PlanTest {
    @TempDir
    Path tmp;

    private static final String GOOD = """
            {"recipe": {"epochs": 2, "batch_size": 32},
             "teachers": [{"arch": "resnet20", "seed": 1}],
             "cells": [{"student": "resnet8", "precision": "fp32", "scheme": "none", "seeds": [1]},
                       {"student": "resnet8", "precision": "a8w2", "scheme": "B", "teacher": "resnet20", "seeds": [1]}]}
            """;

    private String refusal(String json) throws IOException {
        Path f = tmp.resolve("plan.json");
        Files.writeString(f, json);
        String m = assertThrows(IllegalArgumentException.class, () -> Plan.read(f), json).getMessage();
        assertFalse(m.contains("Exception") || m.contains("Cannot invoke") || m.contains("For input string"), "no Java internals: " + m);
        return m;
    }

    @Test
    void aGoodPlanReads() throws IOException {
        Path f = tmp.resolve("plan.json");
        Files.writeString(f, GOOD);
        Plan p = Plan.read(f);
        assertEquals(2, p.recipe().epochs());
        assertEquals(2, p.cells().size());
    }

    @Test
    void theCommittedReproductionPlanIsValid() throws IOException {
        Plan p = Plan.read(Path.of("..", "docs", "results", "plan.json"));
        assertTrue(p.cells().size() > 10 && !p.teachers().isEmpty(), p.toString());
    }

    @Test
    void problemsAnywhereAreFoundBeforeAnyRunAndNamedInPlainWords() throws IOException {
        assertTrue(refusal(GOOD.replace("\"epochs\": 2", "\"epochs\": 1.9")).contains("recipe.epochs must be a whole number, got 1.9"));
        assertTrue(refusal(GOOD.replace("\"scheme\": \"B\", \"teacher\": \"resnet20\", \"seeds\": [1]}", "\"scheme\": \"B\", \"teacher\": \"resnet20\", \"seeds\": [1]},"
                + " {\"student\": \"resnet9\", \"precision\": \"a8w2\", \"scheme\": \"none\", \"seeds\": [1]}")).contains("cells[2]: unknown model 'resnet9'"));
        assertTrue(refusal(GOOD.replace("\"batch_size\": 32", "\"batch_size\": \"x\"")).contains("recipe.batch_size must be a whole number, got \"x\""));
        assertTrue(refusal(GOOD.replace("\"epochs\": 2", "\"epoch\": 2")).contains("recipe: unknown key \"epoch\""));
        assertTrue(refusal(GOOD.replace("\"precision\": \"a8w2\"", "\"precision\": \"a9w2\"")).startsWith("plan " + tmp.resolve("plan.json") + ": cells[1]"));
        assertTrue(refusal(GOOD.replace("\"recipe\": {\"epochs\": 2, \"batch_size\": 32},", "\"recipe\": {\"lr\": \"x\"},")).contains("recipe: \"lr\" must be a number, got \"x\""));
        assertTrue(refusal("{\"recipe\": {}}").contains("the plan needs \"cells\""));
        assertTrue(refusal("{\"recipe\": {}, \"cells\": {}}").contains("\"cells\" must be a JSON array"));
        assertTrue(refusal("{\"recipe\": {\"schedule\": \"linear\"}, \"cells\": []}").contains("unknown schedule 'linear'"));
        assertTrue(refusal("[1, 2]").contains("must be a JSON object"));
        assertTrue(refusal("{\"recipe\": ").contains("is not valid JSON"));
        assertTrue(refusal(GOOD.replace("\"seeds\": [1]}]", "\"seeds\": [1, 1]}]")).contains("lists a seed twice"));
        assertTrue(refusal(GOOD.replace("{\"arch\": \"resnet20\", \"seed\": 1}", "{\"arch\": \"resnet20\", \"width\": -1}")).contains("teachers[0]: width multiplier"));
    }

    @Test
    void aPlanThatIsNotUtf8IsRefusedInOneLine() throws IOException {
        Path f = tmp.resolve("plan.json");
        Files.write(f, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
        var e = assertThrows(IllegalArgumentException.class, () -> Plan.read(f));
        assertEquals("plan " + f + " is not UTF-8 text", e.getMessage());
    }
}
