package dev.apprentice.distill.experiment;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.quant.Precision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment plan (JSON): the data, the training recipe, the shorter recipe of schemes C and
 * finetune, the teachers (trained once, full precision, scheme none), and the cells: student ×
 * precision × scheme over seeds. C and finetune start from the full-precision, scheme-none run of
 * the same student and seed, which must be a cell of the plan too. See docs/results/plan.json.
 */
public record Plan(String data, Recipe recipe, Recipe finetuneRecipe, List<Teacher> teachers, List<Cell> cells) {

    /** Training hyper-parameters shared by the runs of a plan. */
    public record Recipe(int epochs, int batchSize, double lr, String schedule, double warmup, double momentum, boolean nesterov,
                         double weightDecay, int cropPadding, boolean flip) {}

    public record Teacher(String arch, double width, int seed) {}

    /** One table cell over its seeds; teacher is null for none and finetune; tau is the distillation temperature (1 without a teacher). */
    public record Cell(String student, double width, Precision precision, Scheme scheme, String teacher, double tau, List<Integer> seeds) {}

    public static Plan read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("plan file " + file + " not found");
        }
        try {
            return parse(JsonParser.parseString(text).getAsJsonObject());
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NullPointerException | ClassCastException e) {
            throw new IllegalArgumentException("plan " + file + " is malformed: " + e.getMessage());
        }
    }

    static Plan parse(JsonObject o) {
        String data = o.has("data") ? o.get("data").getAsString() : "debian";
        Recipe recipe = recipe(o.getAsJsonObject("recipe"), null);
        Recipe finetune = o.has("finetune_recipe") ? recipe(o.getAsJsonObject("finetune_recipe"), recipe) : recipe;
        List<Teacher> teachers = new ArrayList<>();
        if (o.has("teachers"))
            for (JsonElement e : o.getAsJsonArray("teachers")) {
                JsonObject t = e.getAsJsonObject();
                teachers.add(new Teacher(t.get("arch").getAsString(), num(t, "width", 1), (int) num(t, "seed", 1)));
            }
        List<Cell> cells = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            Scheme s = Scheme.parse(c.get("scheme").getAsString());
            String teacher = c.has("teacher") ? c.get("teacher").getAsString() : null;
            if (s.hasTeacher() && teacher == null) throw new IllegalArgumentException("cell " + c + " needs a teacher");
            if (!s.hasTeacher() && teacher != null) throw new IllegalArgumentException("cell " + c + ": scheme " + s.label() + " has no teacher");
            if ((s == Scheme.B || s == Scheme.C) && teachers.stream().noneMatch(t -> t.arch().equals(teacher)))
                throw new IllegalArgumentException("cell " + c + ": teacher " + teacher + " is not among the plan's teachers");
            double tau = num(c, "tau", 1);
            if (!s.hasTeacher() && tau != 1) throw new IllegalArgumentException("cell " + c + ": scheme " + s.label() + " has no teacher, so no temperature");
            if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("cell " + c + ": tau must be a positive number");
            List<Integer> seeds = new ArrayList<>();
            for (JsonElement x : c.getAsJsonArray("seeds")) seeds.add(x.getAsInt());
            if (seeds.isEmpty()) throw new IllegalArgumentException("cell " + c + " has no seeds");
            cells.add(new Cell(c.get("student").getAsString(), num(c, "width", 1), Precision.parse(c.get("precision").getAsString()), s, teacher, tau, seeds));
        }
        Plan plan = new Plan(data, recipe, finetune, teachers, cells);
        for (Cell c : cells)
            if (c.scheme().initialisesStudent())
                for (int seed : c.seeds())
                    if (plan.initCell(c) == null || !plan.initCell(c).seeds().contains(seed))
                        throw new IllegalArgumentException("cell " + c.student() + " " + c.precision() + " " + c.scheme().label()
                                + " starts from the fp32 scheme-none run of seed " + seed + ", which the plan lacks");
        return plan;
    }

    /**
     * The part of this plan a sitting runs: the cells' seeds in seeds and cells of the schemes in
     * schemes (null: all). A teacher stays when it matches both itself (a scheme-none run of its seed)
     * or a remaining B or C cell needs it; models that C and finetune start from are trained by the
     * runner as needed whether or not their cells remain.
     */
    public Plan only(java.util.Set<Integer> seeds, java.util.Set<Scheme> schemes) {
        List<Cell> kept = new ArrayList<>();
        for (Cell c : cells) {
            if (schemes != null && !schemes.contains(c.scheme())) continue;
            List<Integer> s = c.seeds().stream().filter(x -> seeds == null || seeds.contains(x)).toList();
            if (!s.isEmpty()) kept.add(new Cell(c.student(), c.width(), c.precision(), c.scheme(), c.teacher(), c.tau(), s));
        }
        List<Teacher> keptTeachers = teachers.stream()
                .filter(t -> ((schemes == null || schemes.contains(Scheme.NONE)) && (seeds == null || seeds.contains(t.seed())))
                        || kept.stream().anyMatch(c -> (c.scheme() == Scheme.B || c.scheme() == Scheme.C) && t.arch().equals(c.teacher())))
                .toList();
        if (kept.isEmpty() && keptTeachers.isEmpty())
            throw new IllegalArgumentException("no run of the plan has " + (seeds == null ? "" : "a seed in " + seeds)
                    + (seeds != null && schemes != null ? " and " : "") + (schemes == null ? "" : "a scheme in " + schemes.stream().map(Scheme::label).toList()));
        return new Plan(data, recipe, finetuneRecipe, keptTeachers, kept);
    }

    /** The full-precision, teacher-less cell of the same student (what C and finetune start from). */
    public Cell initCell(Cell c) {
        for (Cell x : cells)
            if (x.student().equals(c.student()) && x.width() == c.width() && x.precision().isFull() && x.scheme() == Scheme.NONE) return x;
        return null;
    }

    private static Recipe recipe(JsonObject r, Recipe base) {
        if (r == null) {
            if (base == null) throw new IllegalArgumentException("the plan needs a recipe");
            return base;
        }
        return new Recipe((int) num(r, "epochs", base == null ? 10 : base.epochs()), (int) num(r, "batch_size", base == null ? 128 : base.batchSize()),
                num(r, "lr", base == null ? 0.1 : base.lr()), str(r, "schedule", base == null ? "onecycle" : base.schedule()),
                num(r, "warmup", base == null ? 0.15 : base.warmup()), num(r, "momentum", base == null ? 0.9 : base.momentum()),
                bool(r, "nesterov", base == null || base.nesterov()), num(r, "weight_decay", base == null ? 5e-4 : base.weightDecay()),
                (int) num(r, "crop_padding", base == null ? 2 : base.cropPadding()), bool(r, "flip", base == null || base.flip()));
    }

    private static double num(JsonObject o, String key, double dflt) {
        return o.has(key) ? o.get(key).getAsDouble() : dflt;
    }

    private static String str(JsonObject o, String key, String dflt) {
        return o.has(key) ? o.get(key).getAsString() : dflt;
    }

    private static boolean bool(JsonObject o, String key, boolean dflt) {
        return o.has(key) ? o.get(key).getAsBoolean() : dflt;
    }
}
