package dev.apprentice.distill.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apprentice.nn.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch metrics as JSON lines ({"epoch": 1, "train_loss": ..., "time": "2026-12-05T12:00:00Z"}). The file is rewritten
 * atomically each epoch, so a killed run never leaves a torn line, and a resumed run drops the
 * lines of epochs it is about to redo.
 */
public final class MetricsLog {
    private static final Gson GSON = new Gson();
    private final Path file;
    private final List<String> lines = new ArrayList<>();

    /** Opens the log; keeps existing lines up to and including epoch keepThrough (0 = none). */
    public MetricsLog(Path file, int keepThrough) throws IOException {
        this.file = file;
        if (keepThrough > 0 && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    if (o.get("epoch").getAsInt() <= keepThrough) lines.add(line);
                } catch (RuntimeException e) {
                    // a line we cannot read is not ours to keep
                }
            }
        }
    }

    /** Appends an epoch's row, stamped with the time it ended ("time": ISO-8601 UTC, to the second). */
    public void append(Map<String, ?> row) throws IOException {
        Map<String, Object> stamped = new java.util.LinkedHashMap<>(row);
        stamped.put("time", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        lines.add(GSON.toJson(stamped));
        AtomicFiles.writeString(file, String.join("\n", lines) + "\n");
    }

    public Path file() {
        return file;
    }
}
