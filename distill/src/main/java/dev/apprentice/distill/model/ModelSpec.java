package dev.apprentice.distill.model;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.QuantizeTransform;

import com.google.gson.Gson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file must say to rebuild its network: architecture, width, input shape, classes,
 * the input normalization it was trained with, and its precision (quantizers installed on the
 * float network). Stored as safetensors metadata.
 */
public record ModelSpec(String arch, double width, int channels, int height, int imageWidth, int classes, Normalization norm,
                        QuantConfig quant, List<String> classNames) {
    public static final String FORMAT = "apprentice-model-1";
    private static final Gson GSON = new Gson();

    /** classNames: one per class, or empty where the data had none (files written before 2026-12-05). */
    public ModelSpec {
        if (quant == null) quant = QuantConfig.FULL;
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        if (!classNames.isEmpty() && classNames.size() != classes)
            throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
    }

    /** A spec without class names. */
    public ModelSpec(String arch, double width, int channels, int height, int imageWidth, int classes, Normalization norm, QuantConfig quant) {
        this(arch, width, channels, height, imageWidth, classes, norm, quant, List.of());
    }

    /** A full-precision spec. */
    public ModelSpec(String arch, double width, int channels, int height, int imageWidth, int classes, Normalization norm) {
        this(arch, width, channels, height, imageWidth, classes, norm, QuantConfig.FULL);
    }

    /** A fresh network of this spec, initialised from seed, with its quantizers installed. */
    public Module build(long seed) {
        Module m = ResNets.create(arch, channels, classes, width, seed);
        if (!quant.isFull()) QuantizeTransform.apply(m, quant);
        return m;
    }

    /** The same network at another precision. */
    public ModelSpec withQuant(QuantConfig q) {
        return new ModelSpec(arch, width, channels, height, imageWidth, classes, norm, q, classNames);
    }

    /** The same network with its classes named (the training data's class names). */
    public ModelSpec withClassNames(List<String> names) {
        return new ModelSpec(arch, width, channels, height, imageWidth, classes, norm, quant, names);
    }

    /** Class c's name, or "class c" where the file names none. */
    public String className(int c) {
        return classNames.isEmpty() ? "class " + c : classNames.get(c);
    }

    /** "resnet8 a8w2" or "resnet20". */
    public String label() {
        return arch + (width == 1 ? "" : "×" + width) + (quant.isFull() ? "" : " " + quant.precision());
    }

    public int[] sampleShape() {
        return new int[] {channels, height, imageWidth};
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("arch", arch);
        m.put("width", Double.toString(width));
        m.put("input", channels + "x" + height + "x" + imageWidth);
        m.put("classes", Integer.toString(classes));
        m.put("norm_mean", join(norm.mean()));
        m.put("norm_std", join(norm.std()));
        m.putAll(quant.toMetadata());
        if (!classNames.isEmpty()) m.put("class_names", GSON.toJson(classNames));
        return m;
    }

    /** Reads a spec from metadata; throws IllegalArgumentException naming what is missing or bad. */
    public static ModelSpec fromMetadata(Map<String, String> m) {
        try {
            String[] in = require(m, "input").split("x");
            if (in.length != 3) throw new IllegalArgumentException("bad input shape '" + m.get("input") + "'");
            return new ModelSpec(require(m, "arch"), Double.parseDouble(require(m, "width")),
                    Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]),
                    Integer.parseInt(require(m, "classes")),
                    new Normalization(floats(require(m, "norm_mean")), floats(require(m, "norm_std"))), QuantConfig.fromMetadata(m),
                    classNames(m.get("class_names")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model metadata has a malformed number: " + e.getMessage());
        }
    }

    private static List<String> classNames(String json) {
        if (json == null) return List.of();
        try {
            return GSON.fromJson(json, com.google.gson.JsonArray.class).asList().stream().map(com.google.gson.JsonElement::getAsString).toList();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("model metadata has malformed class_names");
        }
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("model metadata lacks '" + key + "' (not written by this tool? pass the architecture flags)");
        return v;
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(v[i]);
        return sb.toString();
    }

    private static float[] floats(String s) {
        String[] p = s.split(",");
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) v[i] = Float.parseFloat(p[i].trim());
        return v;
    }
}
