package dev.apprentice.distill.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apprentice.distill.data.ImageSet;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.vector.VectorWidth;
import dev.apprentice.nn.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A run directory's config.json: how the run was made, for whoever reads its results later: the
 * command line, every training setting, the data (source and a SHA-256 of its images and labels), the
 * build (commit), the machine (CPU, threads, vector width, Java) and when it started, was resumed and
 * ended. `train --resume` reads the command line back from it.
 */
public final class RunRecord {
    public static final String FILE = "config.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private RunRecord() {}

    /** Writes the record of a run that starts (resumed: keeps the first start and adds this one to "resumed"). */
    static void started(Path dir, TrainConfig cfg, Splits data, List<String> commandLine, boolean resumed) throws IOException {
        JsonObject old = read(dir);
        JsonObject o = new JsonObject();
        JsonArray cmd = new JsonArray();
        List<String> line = commandLine != null ? commandLine : old != null && old.has("command") ? commandLine(old) : null;
        if (line != null) line.forEach(cmd::add);
        o.add("command", cmd);
        JsonObject config = new JsonObject();
        cfg.fingerprint().forEach(config::addProperty);
        o.add("config", config);
        o.addProperty("data", data.source());
        o.addProperty("data_sha256", dataSha256(data));
        o.addProperty("commit", commit());
        o.addProperty("host_cpu", hostCpu());
        o.addProperty("threads", Parallel.threads());
        o.addProperty("vectors", VectorWidth.describe());
        o.addProperty("java", Runtime.version().toString());
        String now = now();
        o.addProperty("started", resumed && old != null && old.has("started") ? old.get("started").getAsString() : now);
        JsonArray resumes = resumed && old != null && old.has("resumed") ? old.getAsJsonArray("resumed") : new JsonArray();
        if (resumed) resumes.add(now);
        o.add("resumed", resumes);
        write(dir, o);
    }

    /** Adds the end time to the record. */
    static void ended(Path dir) throws IOException {
        JsonObject o = read(dir);
        if (o == null) return;
        o.addProperty("ended", now());
        write(dir, o);
    }

    /** The command line a run directory's record holds (arguments after the command name), or null. */
    public static List<String> commandLine(Path dir) throws IOException {
        JsonObject o = read(dir);
        return o == null || !o.has("command") || o.getAsJsonArray("command").isEmpty() ? null : commandLine(o);
    }

    private static List<String> commandLine(JsonObject o) {
        return o.getAsJsonArray("command").asList().stream().map(JsonElement::getAsString).toList();
    }

    private static JsonObject read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        try {
            return JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(f + " is not a run record (" + e.getMessage() + "); remove it to start the record afresh");
        }
    }

    private static void write(Path dir, JsonObject o) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE), GSON.toJson(o) + "\n");
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Hex SHA-256 of the training and test images and labels: which data a run saw, whatever its path. */
    public static String dataSha256(Splits data) {
        return sha256(data.train(), data.test());
    }

    private static String sha256(ImageSet... sets) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (ImageSet s : sets) {
                sha.update(s.pixels());
                for (int label : s.labels()) sha.update((byte) label);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The git commit of the checkout this code was built in (with -dirty for uncommitted changes), or "unknown". */
    public static String commit() {
        try {
            Path here = Path.of(RunRecord.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(here) ? here : here.getParent();
            String head = git(dir, "rev-parse", "--short=12", "HEAD");
            if (head == null || head.isEmpty()) return "unknown";
            String status = git(dir, "status", "--porcelain", "--untracked-files=no");
            return head + (status != null && !status.isEmpty() ? "-dirty" : "");
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? out : null;
    }

    private static String hostCpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
