package dev.apprentice.distill.model;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.QuantizeTransform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model file must say to rebuild its network: architecture, width, input shape, classes,
 * the input normalization it was trained with, and its precision (quantizers installed on the
 * float network). Stored as safetensors metadata.
 */
public record ModelSpec(String arch, double width, int channels, int height, int imageWidth, int classes, Normalization norm,
                        QuantConfig quant) {
    public static final String FORMAT = "apprentice-model-1";

    public ModelSpec {
        if (quant == null) quant = QuantConfig.FULL;
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
        return new ModelSpec(arch, width, channels, height, imageWidth, classes, norm, q);
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
                    new Normalization(floats(require(m, "norm_mean")), floats(require(m, "norm_std"))), QuantConfig.fromMetadata(m));
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
