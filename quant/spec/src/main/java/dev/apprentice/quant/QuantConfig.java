package dev.apprentice.quant;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a network is quantized: the precision spec, the weight quantizer, its granularity, the
 * ternary threshold factor, and whether the first convolution and the last linear layer are
 * quantized too (by default they stay full precision, as in the paper).
 *
 * @param wrpn        unscaled WRPN weights (clamp to [−1, 1] and round) instead of the scaled
 *                    default; from a Kaiming initialisation it rounds every ternary weight to 0
 * @param perChannel  one weight scale per output channel (else one per layer)
 * @param threshold   ternary threshold Δ = threshold · mean|w| (0.7 in TWN)
 */
public record QuantConfig(Precision precision, boolean wrpn, boolean perChannel, float threshold, boolean quantizeEnds) {
    public static final QuantConfig FULL = new QuantConfig(Precision.FULL, false, true, 0.7f, false);

    public QuantConfig {
        if (precision == null) throw new IllegalArgumentException("precision is required");
        if (!(threshold > 0 && threshold < 2)) throw new IllegalArgumentException("ternary threshold must be in (0, 2), got " + threshold);
    }

    /** The default settings at the given precision. */
    public static QuantConfig of(Precision precision) {
        return new QuantConfig(precision, false, true, 0.7f, false);
    }

    public boolean isFull() {
        return precision.isFull();
    }

    /** The weight quantizer a quantized layer gets. */
    public WeightQuantizer weightQuantizer() {
        int bits = precision.weightBits();
        if (wrpn) return WeightQuantizer.wrpn(bits);
        return bits == 2 ? WeightQuantizer.ternary(threshold, perChannel) : WeightQuantizer.maxScaled(bits, perChannel);
    }

    /** As model-file metadata. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("precision", precision.toString());
        if (!isFull()) {
            m.put("weight_quantizer", wrpn ? "wrpn" : "scaled");
            m.put("weight_scale", perChannel ? "channel" : "layer");
            m.put("ternary_threshold", Float.toString(threshold));
            m.put("quantize_ends", Boolean.toString(quantizeEnds));
        }
        return m;
    }

    /** Reads metadata written by {@link #toMetadata}; a file without "precision" is full precision. */
    public static QuantConfig fromMetadata(Map<String, String> m) {
        String p = m.get("precision");
        if (p == null) return FULL;
        Precision precision = Precision.parse(p);
        if (precision.isFull()) return FULL;
        String wq = m.getOrDefault("weight_quantizer", "scaled");
        if (!wq.equals("scaled") && !wq.equals("wrpn")) throw new IllegalArgumentException("unknown weight_quantizer '" + wq + "'");
        String ws = m.getOrDefault("weight_scale", "channel");
        if (!ws.equals("channel") && !ws.equals("layer")) throw new IllegalArgumentException("unknown weight_scale '" + ws + "'");
        return new QuantConfig(precision, wq.equals("wrpn"), ws.equals("channel"),
                Float.parseFloat(m.getOrDefault("ternary_threshold", "0.7")), Boolean.parseBoolean(m.getOrDefault("quantize_ends", "false")));
    }

    @Override
    public String toString() {
        if (isFull()) return "fp32";
        return precision + " (" + (wrpn ? "WRPN clamp-and-round" : precision.weightBits() == 2 ? "ternary, threshold " + threshold + "·mean|w|" : "max-scaled")
                + " weights per " + (perChannel ? "channel" : "layer") + (quantizeEnds ? ", ends quantized" : ", ends full precision") + ")";
    }
}
