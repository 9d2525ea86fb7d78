package dev.apprentice.distill.model;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.resnet.ResNets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model file must say to rebuild its network: architecture, width, input shape, classes
 * and the input normalization it was trained with. Stored as safetensors metadata.
 */
public record ModelSpec(String arch, double width, int channels, int height, int imageWidth, int classes, Normalization norm) {
    public static final String FORMAT = "apprentice-model-1";

    /** A fresh network of this spec, initialised from seed. */
    public Module build(long seed) {
        return ResNets.create(arch, channels, classes, width, seed);
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
                    new Normalization(floats(require(m, "norm_mean")), floats(require(m, "norm_std"))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model metadata has a malformed number: " + e.getMessage());
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
