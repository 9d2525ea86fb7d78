package dev.apprentice.distill.model;

import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.Summary;
import dev.apprentice.quant.QuantizeTransform;
import dev.apprentice.quant.packed.PackedExport;

import java.util.Arrays;
import java.util.Locale;

/**
 * The `summary` table of a model at its precision, in the manner of Larq's and torchinfo's: per
 * layer the output shape, parameters, weight bits and activation bits and multiply-accumulates; then
 * trainable and non-trainable parameters, MACs per image, and the fp32 and packed sizes with their ratio.
 */
public final class ModelReport {
    private static final String ROW = "%-24s %-44s %-12s %11s %6s %6s %10s%n";

    private ModelReport() {}

    /** The report of model (built from spec, quantizers installed or not) on one sample of spec's input shape. */
    public static String of(ModelSpec spec, Module model) {
        Summary s = Summary.of(model, spec.sampleShape());
        QuantizeTransform.Plan plan = QuantizeTransform.plan(model, spec.quant());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, ROW, "name", "layer", "output", "params", "w bits", "a bits", "MACs"));
        long trainable = 0, stored = 0;
        for (Summary.Row r : s.rows()) {
            int[] perSample = Arrays.copyOfRange(r.outShape(), 1, r.outShape().length);
            String wBits = r.params() == 0 ? "-" : plan.weights().containsKey(r.name()) ? Integer.toString(spec.quant().precision().weightBits()) : "32";
            String aBits = plan.activations().contains(r.name()) ? Integer.toString(spec.quant().precision().activationBits()) : "-";
            sb.append(String.format(Locale.ROOT, ROW, r.name(), clip(r.layer(), 44), Shape.str(perSample), count(r.params()), wBits, aBits, macs(r.macs())));
            trainable += r.params();
            stored += r.bytes() / 4;
        }
        sb.append(String.format(Locale.ROOT, "%nparameters: %s trainable, %s non-trainable (batch-norm statistics)%n", count(trainable), count(stored - trainable)));
        sb.append(String.format(Locale.ROOT, "multiply-accumulates per %s image: %s%n", Shape.str(spec.sampleShape()), macs(s.totalMacs())));
        long fp32 = 4 * stored;
        sb.append(String.format(Locale.ROOT, "size in fp32: %s%n", bytes(fp32)));
        if (!spec.quant().isFull() && PackedModels.packable(spec)) {
            long packed = PackedExport.export(model, plan, spec.toMetadata()).parameterBytes();
            sb.append(String.format(Locale.ROOT, "size packed (%s, batch norm folded): %s, %.1f× smaller%n", spec.quant().precision(), bytes(packed), fp32 / (double) packed));
        } else {
            sb.append(spec.quant().isFull() ? "packed: none at full precision (--precision a8w2, a4w4, ...)\n"
                    : "packed: not packable (" + spec.quant().precision() + " keeps float activations, or not a CIFAR-style ResNet)\n");
        }
        return sb.toString();
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    /** 272,186 */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 31.2 M, 1.82 G */
    static String macs(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        return Long.toString(n);
    }

    /** 1.09 MB, 75.3 kB, 512 B (decimal units, as model sizes are usually quoted) */
    static String bytes(long n) {
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.2f MB (%,d bytes)", n / 1e6, n);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.1f kB (%,d bytes)", n / 1e3, n);
        return n + " B";
    }
}
