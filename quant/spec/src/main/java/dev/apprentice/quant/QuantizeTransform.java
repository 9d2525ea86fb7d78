package dev.apprentice.quant;

import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.layers.Linear;
import dev.apprentice.nn.layers.ReLU;
import dev.apprentice.quant.quantizer.FakeQuant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns any network into its quantization-aware version through the layers' transform seams,
 * without touching the model code: convolution and linear weights pass through a fake weight
 * quantizer, and every ReLU is replaced by the k-bit activation quantizer (clamp to [0, 1] and
 * round; the clamp is the rectifier). The first convolution and the last linear layer stay full
 * precision unless the config quantizes the ends.
 */
public final class QuantizeTransform {
    private QuantizeTransform() {}

    /**
     * Which layer gets what.
     *
     * @param weights        quantized weight layers by module name, with their quantizer
     * @param fullPrecision  weight layers left in full precision (the ends, or all at w32)
     * @param activations    ReLUs replaced by the activation quantizer
     */
    public record Plan(QuantConfig config, Map<String, WeightQuantizer> weights, List<String> fullPrecision, List<String> activations) {
        public WeightQuantizer quantizerOf(String layer) {
            return weights.get(layer);
        }

        public String describe() {
            if (config.isFull()) return "full precision";
            return config + ": " + weights.size() + " weight layers quantized, " + fullPrecision.size() + " kept full precision "
                    + fullPrecision + ", " + activations.size() + " activations at " + config.precision().activationBits() + " bits";
        }
    }

    /** The plan for model under cfg, without changing the model. */
    public static Plan plan(Module model, QuantConfig cfg) {
        List<String> weightLayers = new ArrayList<>(), relus = new ArrayList<>();
        String firstConv = null, lastLinear = null;
        for (var e : model.namedModules().entrySet()) {
            Module m = e.getValue();
            if (m instanceof Conv2d) {
                weightLayers.add(e.getKey());
                if (firstConv == null) firstConv = e.getKey();
            } else if (m instanceof Linear) {
                weightLayers.add(e.getKey());
                lastLinear = e.getKey();
            } else if (m instanceof ReLU) {
                relus.add(e.getKey());
            }
        }
        Map<String, WeightQuantizer> quantized = new LinkedHashMap<>();
        List<String> full = new ArrayList<>();
        for (String name : weightLayers) {
            boolean end = name.equals(firstConv) || name.equals(lastLinear);
            if (cfg.precision().quantizesWeights() && (!end || cfg.quantizeEnds())) quantized.put(name, cfg.weightQuantizer());
            else full.add(name);
        }
        List<String> acts = cfg.precision().quantizesActivations() ? relus : List.of();
        return new Plan(cfg, Collections.unmodifiableMap(quantized), List.copyOf(full), List.copyOf(acts));
    }

    /** Installs the quantizers of plan(model, cfg) into model and returns the plan. */
    public static Plan apply(Module model, QuantConfig cfg) {
        Plan plan = plan(model, cfg);
        Map<String, Module> modules = model.namedModules();
        plan.weights().forEach((name, q) -> {
            Module m = modules.get(name);
            if (m instanceof Conv2d c) c.setTransform(w -> FakeQuant.weights(w, q));
            else ((Linear) m).setTransform(w -> FakeQuant.weights(w, q));
        });
        int bits = cfg.precision().activationBits();
        for (String name : plan.activations()) ((ReLU) modules.get(name)).setTransform(x -> FakeQuant.activations(x, bits));
        return plan;
    }
}
