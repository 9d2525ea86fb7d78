package dev.apprentice.distill.experiment;

import dev.apprentice.nn.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The results CSV: read whole, appended by rewriting it atomically, so a killed runner never
 * leaves a torn row. A row is only written when its run has finished.
 */
public final class ResultsFile {
    private final Path file;
    private final List<ResultRow> rows = new ArrayList<>();

    public ResultsFile(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !ResultRow.isHeader(lines.get(0).strip()))
                throw new IllegalArgumentException(file + " is not a results file (its first line must be: " + ResultRow.HEADER + ")");
            java.util.Map<String, Integer> lineOf = new java.util.HashMap<>();
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                ResultRow r;
                try {
                    r = ResultRow.parse(lines.get(i).strip());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
                }
                Integer first = lineOf.putIfAbsent(r.key(), i + 1);
                if (first != null)
                    throw new IllegalArgumentException(file + " line " + (i + 1) + " repeats the run of line " + first + " (same cell, recipe and seed): remove one");
                rows.add(r);
            }
        }
    }

    public boolean has(String key) {
        return rows.stream().anyMatch(r -> r.key().equals(key));
    }

    public List<ResultRow> rows() {
        return Collections.unmodifiableList(rows);
    }

    public void append(ResultRow row) throws IOException {
        if (has(row.key())) throw new IllegalArgumentException(file + " already has a row for " + row.key());
        rows.add(row);
        StringBuilder sb = new StringBuilder(ResultRow.HEADER).append('\n');
        for (ResultRow r : rows) sb.append(r.csv()).append('\n');
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, sb.toString());
    }
}
