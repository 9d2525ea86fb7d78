package dev.apprentice.quant.packed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A packed network: its layers by module name (in the float model's order) and the metadata that
 * describes it (the model spec of the exporter, the precision, the packing). The graph is the
 * CIFAR-style ResNet's, read off the layer names (see {@link PackedNetwork}).
 */
public record PackedModel(Map<String, String> metadata, Map<String, PackedConv> layers) {
    public static final String FORMAT = "apprentice-packed-1";

    public PackedModel {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** Bits of the activation codes between layers. */
    public int activationBits() {
        return Integer.parseInt(metadata.getOrDefault("activation_bits", "8"));
    }

    /** Bytes of all layers' parameters as stored (codes or floats, plus per-channel vectors). */
    public long parameterBytes() {
        return layers.values().stream().mapToLong(PackedConv::bytes).sum();
    }

    public PackedConv layer(String name) {
        PackedConv c = layers.get(name);
        if (c == null) throw new IllegalArgumentException("the packed model has no layer " + name);
        return c;
    }
}
