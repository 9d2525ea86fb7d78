package dev.apprentice.distill.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsFileTest {
    @TempDir
    Path tmp;

    private Path results(String... rows) throws IOException {
        Path f = tmp.resolve("results.csv");
        Files.writeString(f, ResultRow.HEADER + "\n" + String.join("\n", rows) + "\n");
        return f;
    }

    @Test
    void aDuplicatedRowIsRefusedNamingBothLines() throws IOException {
        Path f = results("resnet8,,a8w2,none,1,10,9.10,0.10,500,1,1", "resnet8,,a8w2,none,2,10,9.30,0.10,500,1,1", "resnet8,,a8w2,none,1,10,9.10,0.10,500,1,1");
        var e = assertThrows(IllegalArgumentException.class, () -> new ResultsFile(f));
        assertTrue(e.getMessage().contains("line 4 repeats the run of line 2"), e.getMessage());
    }

    @Test
    void nonFiniteOrImpossibleNumbersAreRefused() throws IOException {
        for (String bad : new String[] {"NaN", "Infinity", "-1", "101", "0x1p3", "x"}) {
            Path f = results("resnet8,,a8w2,none,1,10," + bad + ",0.10,500,1,1");
            var e = assertThrows(IllegalArgumentException.class, () -> new ResultsFile(f), bad);
            assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("test"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ResultsFile(results("resnet8,,a8w2,none,1,0,9.1,0.1,500,1,1")));
        assertThrows(IllegalArgumentException.class, () -> new ResultsFile(results("resnet8,,a8w2,none,1,10,9.1,0.1,500,NaN,1")));
    }

    @Test
    void rowsOfDifferentRecipesAreDifferentCellsAndTheTableSaysSo() throws IOException {
        ResultsFile r = new ResultsFile(results("resnet8,,a8w2,none,1,10,9.00,0.10,500,1,1", "resnet8,,a8w2,none,2,10,9.40,0.10,500,1,1",
                "resnet8,,a8w2,none,1,1,60.00,20.00,50,1,1"));
        var stats = ResultsReport.stats(r.rows());
        assertEquals(2, stats.size(), "a 1-epoch row is not averaged with 10-epoch rows");
        ResultsReport.Stats ten = stats.get(r.rows().get(0).cell());
        assertEquals(2, ten.n());
        assertEquals(9.2, ten.mean(), 1e-9);
        String table = ResultsReport.table(r.rows());
        assertTrue(table.contains("resnet8, no teacher, 10 epochs") && table.contains("resnet8, no teacher, 1 epoch |"), table);
        assertFalse(ResultsReport.table(r.rows().subList(0, 2)).contains("epoch"), "one recipe: no epoch label");
    }

    @Test
    void appendingARunTwiceIsRefusedAndLeavesTheFile() throws IOException {
        Path f = results("resnet8,,a8w2,none,1,10,9.00,0.10,500,1,1");
        ResultsFile r = new ResultsFile(f);
        String before = Files.readString(f);
        assertThrows(IllegalArgumentException.class, () -> r.append(ResultRow.parse("resnet8,,a8w2,none,1,10,9.50,0.10,400,1,1")));
        assertEquals(before, Files.readString(f));
        assertEquals(List.of("resnet8,,a8w2,none,1,10,9.00,0.10,500,1,1,,,"), r.rows().stream().map(ResultRow::csv).toList());
    }

    @Test
    void rowsOfEveryVintageReadAndProvenanceRoundTrips() throws IOException {
        Path f = tmp.resolve("results.csv");
        Files.writeString(f, "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds\nresnet8,,fp32,none,1,10,7.87,0.10,1269\n");
        ResultsFile r = new ResultsFile(f);
        assertEquals("", r.rows().get(0).commit());
        r.append(ResultRow.parse("resnet8,,fp32,none,2,10,7.89,0.12,1916,1,1").withProvenance("0123456789ab", "2026-12-05", "debian:cafe,babe"));
        List<String> lines = Files.readAllLines(f);
        assertEquals(ResultRow.HEADER, lines.get(0));
        assertEquals("resnet8,,fp32,none,1,10,7.87,0.10,1269,1,1,,,", lines.get(1));
        assertEquals("resnet8,,fp32,none,2,10,7.89,0.12,1916,1,1,0123456789ab,2026-12-05,debian:cafe;babe", lines.get(2), "a comma cannot break the row");
        assertEquals("2026-12-05", new ResultsFile(f).rows().get(1).date());
    }
}
