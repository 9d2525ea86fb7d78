package dev.apprentice.distill.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.distill.train.Schedules;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.Precision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("plan " + file + " is not UTF-8 text");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("plan " + file + " is not valid JSON (" + e.getMessage().replaceFirst("^.*?Exception: ", "") + ")");
        }
        if (!root.isJsonObject()) throw new IllegalArgumentException("plan " + file + " must be a JSON object with \"recipe\" and \"cells\"");
        try {
            return parse(root.getAsJsonObject());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("plan " + file + ": " + e.getMessage(), e);
        }
    }

    private static final Set<String> PLAN_KEYS = Set.of("data", "recipe", "finetune_recipe", "teachers", "cells", "comment");
    private static final Set<String> RECIPE_KEYS = Set.of("epochs", "batch_size", "lr", "schedule", "warmup", "momentum", "nesterov",
            "weight_decay", "crop_padding", "flip", "comment");
    private static final Set<String> TEACHER_KEYS = Set.of("arch", "width", "seed", "comment");
    private static final Set<String> CELL_KEYS = Set.of("student", "width", "precision", "scheme", "teacher", "tau", "seeds", "comment");

    /** Reads and checks the whole plan before any run starts: every problem is reported in plain words, naming where it is. */
    static Plan parse(JsonObject o) {
        keys(o, PLAN_KEYS, "the plan");
        String data = text(o, "data", "debian", "the plan");
        if (!o.has("recipe")) throw new IllegalArgumentException("the plan needs a \"recipe\"");
        Recipe recipe = recipe(object(o, "recipe", "the plan"), null, "recipe");
        Recipe finetune = o.has("finetune_recipe") ? recipe(object(o, "finetune_recipe", "the plan"), recipe, "finetune_recipe") : recipe;
        List<Teacher> teachers = new ArrayList<>();
        if (o.has("teachers")) {
            JsonArray ts = array(o, "teachers", "the plan");
            for (int i = 0; i < ts.size(); i++) {
                String where = "teachers[" + i + "]";
                JsonObject t = element(ts.get(i), where);
                keys(t, TEACHER_KEYS, where);
                String arch = required(t, "arch", where);
                checkNetwork(arch, number(t, "width", 1, where), where);
                teachers.add(new Teacher(arch, number(t, "width", 1, where), whole(t, "seed", 1, where)));
            }
        }
        if (!o.has("cells")) throw new IllegalArgumentException("the plan needs \"cells\"");
        JsonArray cs = array(o, "cells", "the plan");
        if (cs.isEmpty()) throw new IllegalArgumentException("the plan's \"cells\" is empty");
        List<Cell> cells = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            String where = "cells[" + i + "]";
            JsonObject c = element(cs.get(i), where);
            keys(c, CELL_KEYS, where);
            Scheme s = Scheme.parse(required(c, "scheme", where));
            String student = required(c, "student", where);
            double width = number(c, "width", 1, where);
            checkNetwork(student, width, where);
            Precision precision;
            try {
                precision = Precision.parse(required(c, "precision", where));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            String teacher = c.has("teacher") ? required(c, "teacher", where) : null;
            if (s.hasTeacher() && teacher == null) throw new IllegalArgumentException(where + ": scheme " + s.label() + " needs a \"teacher\"");
            if (!s.hasTeacher() && teacher != null) throw new IllegalArgumentException(where + ": scheme " + s.label() + " has no teacher");
            if (teacher != null) checkNetwork(teacher, 1, where);
            if ((s == Scheme.B || s == Scheme.C) && teachers.stream().noneMatch(t -> t.arch().equals(teacher)))
                throw new IllegalArgumentException(where + ": teacher " + teacher + " is not among the plan's teachers");
            double tau = number(c, "tau", 1, where);
            if (!s.hasTeacher() && tau != 1) throw new IllegalArgumentException(where + ": scheme " + s.label() + " has no teacher, so no temperature");
            if (!(tau > 0)) throw new IllegalArgumentException(where + ": tau must be above 0, got " + tau);
            List<Integer> seeds = new ArrayList<>();
            JsonArray ss = array(c, "seeds", where);
            for (int k = 0; k < ss.size(); k++) seeds.add(wholeValue(ss.get(k), where + ".seeds[" + k + "]"));
            if (seeds.isEmpty()) throw new IllegalArgumentException(where + " has no seeds");
            if (new java.util.HashSet<>(seeds).size() != seeds.size()) throw new IllegalArgumentException(where + " lists a seed twice: " + seeds);
            cells.add(new Cell(student, width, precision, s, teacher, tau, seeds));
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
     * The part of this plan one session runs: the cells' seeds in seeds and cells of the schemes in
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

    private static Recipe recipe(JsonObject r, Recipe base, String where) {
        keys(r, RECIPE_KEYS, where);
        Recipe d = base != null ? base : new Recipe(10, 128, 0.1, "onecycle", 0.15, 0.9, true, 5e-4, 2, true);
        Recipe out = new Recipe(whole(r, "epochs", d.epochs(), where), whole(r, "batch_size", d.batchSize(), where),
                number(r, "lr", d.lr(), where), text(r, "schedule", d.schedule(), where), number(r, "warmup", d.warmup(), where),
                number(r, "momentum", d.momentum(), where), flag(r, "nesterov", d.nesterov(), where), number(r, "weight_decay", d.weightDecay(), where),
                whole(r, "crop_padding", d.cropPadding(), where), flag(r, "flip", d.flip(), where));
        if (out.epochs() < 1 || out.batchSize() < 1) throw new IllegalArgumentException(where + ": epochs and batch_size must be at least 1");
        if (!(out.lr() > 0)) throw new IllegalArgumentException(where + ": lr must be above 0, got " + out.lr());
        if (!(out.warmup() >= 0 && out.warmup() < 1)) throw new IllegalArgumentException(where + ": warmup is a fraction of the run, from 0 to below 1, got " + out.warmup());
        if (!(out.momentum() >= 0 && out.momentum() < 1)) throw new IllegalArgumentException(where + ": momentum must be from 0 to below 1, got " + out.momentum());
        if (!(out.weightDecay() >= 0) || out.cropPadding() < 0) throw new IllegalArgumentException(where + ": weight_decay and crop_padding must not be negative");
        if (!Schedules.NAMES.contains(out.schedule()))
            throw new IllegalArgumentException(where + ": unknown schedule '" + out.schedule() + "'; choose one of " + Schedules.NAMES);
        return out;
    }

    private static void checkNetwork(String arch, double width, String where) {
        try {
            ResNets.checkName(arch);
            ResNets.checkWidth(width);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static void keys(JsonObject o, Set<String> known, String where) {
        for (String k : o.keySet())
            if (!known.contains(k))
                throw new IllegalArgumentException(where + ": unknown key \"" + k + "\" (known: " + new java.util.TreeSet<>(known) + ")");
    }

    private static JsonObject element(JsonElement e, String where) {
        if (!e.isJsonObject()) throw new IllegalArgumentException(where + " must be a JSON object, got " + e);
        return e.getAsJsonObject();
    }

    private static JsonObject object(JsonObject o, String key, String where) {
        return element(o.get(key), where + "." + key);
    }

    private static JsonArray array(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) throw new IllegalArgumentException(where + ": \"" + key + "\" must be a JSON array" + (e == null ? "" : ", got " + e));
        return e.getAsJsonArray();
    }

    private static JsonPrimitive primitive(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (!e.isJsonPrimitive()) throw new IllegalArgumentException(where + ": \"" + key + "\" must be a single value, got " + e);
        return e.getAsJsonPrimitive();
    }

    private static String required(JsonObject o, String key, String where) {
        if (!o.has(key)) throw new IllegalArgumentException(where + " needs \"" + key + "\"");
        return text(o, key, null, where);
    }

    private static String text(JsonObject o, String key, String dflt, String where) {
        if (!o.has(key)) return dflt;
        JsonPrimitive p = primitive(o, key, where);
        if (!p.isString()) throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string, got " + p);
        return p.getAsString();
    }

    private static double number(JsonObject o, String key, double dflt, String where) {
        if (!o.has(key)) return dflt;
        JsonPrimitive p = primitive(o, key, where);
        if (!p.isNumber()) throw new IllegalArgumentException(where + ": \"" + key + "\" must be a number, got " + p);
        double v = p.getAsDouble();
        if (!Double.isFinite(v)) throw new IllegalArgumentException(where + ": \"" + key + "\" must be a finite number, got " + p);
        return v;
    }

    private static int whole(JsonObject o, String key, int dflt, String where) {
        return o.has(key) ? wholeValue(o.get(key), where + "." + key) : dflt;
    }

    private static int wholeValue(JsonElement e, String where) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new IllegalArgumentException(where + " must be a whole number, got " + e);
        java.math.BigDecimal v = e.getAsBigDecimal();
        if (v.stripTrailingZeros().scale() > 0 || v.abs().compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0)
            throw new IllegalArgumentException(where + " must be a whole number, got " + e);
        return v.intValueExact();
    }

    private static boolean flag(JsonObject o, String key, boolean dflt, String where) {
        if (!o.has(key)) return dflt;
        JsonPrimitive p = primitive(o, key, where);
        if (!p.isBoolean()) throw new IllegalArgumentException(where + ": \"" + key + "\" must be true or false, got " + p);
        return p.getAsBoolean();
    }
}
