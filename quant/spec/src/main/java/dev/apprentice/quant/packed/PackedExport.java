package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.BatchNorm2d;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.layers.Linear;
import dev.apprentice.nn.resnet.CifarResNet;
import dev.apprentice.quant.QuantizeTransform;
import dev.apprentice.quant.WeightQuantizer;
import dev.apprentice.quant.quantizer.WeightCodes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Packs a trained, fake-quantized network: each quantized layer's weights become the same integer
 * codes its quantizer produced in training ({@link WeightQuantizer#codes}), and each batchnorm
 * (running statistics) is folded into the preceding convolution's per-channel output scale and
 * bias together with the weight scale and the input's activation step.
 */
public final class PackedExport {
    private PackedExport() {}

    /**
     * @param metadata what the caller wants stored (the model spec); precision and packing fields are added
     */
    public static PackedModel export(Module model, QuantizeTransform.Plan plan, Map<String, String> metadata) {
        if (!(model instanceof CifarResNet))
            throw new IllegalArgumentException("packed export supports the CIFAR-style ResNets (resnet8/20/32/44/56/110) for now, not " + model);
        var p = plan.config().precision();
        if (!p.quantizesActivations())
            throw new IllegalArgumentException("precision " + p + " keeps activations in float; integer kernels need quantized activations (a2, a4 or a8)");
        int aBits = p.activationBits(), levels = p.activationLevels();
        Map<String, PackedConv> layers = foldedLayers(model, plan::quantizerOf, aBits, levels);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("format", PackedModel.FORMAT);
        meta.putAll(plan.config().toMetadata());
        meta.put("activation_bits", Integer.toString(aBits));
        meta.put("packing", "weights: " + WeightEncoding.forBits(p.weightBits()) + " codes, rows = output channels in OIHW order, "
                + "byte-aligned rows, low bits first (docs/packed-format.md); batchnorm folded into out_scale/out_bias; "
                + "activations: " + aBits + "-bit unsigned codes");
        return new PackedModel(meta, layers);
    }

    /**
     * Every convolution of the model with the batchnorm after it folded in, and the classifier, by
     * module name in forward order: quantizers (null for a full-precision layer) as quantizerOf names
     * them, activation codes of aBits (levels = 2^aBits − 1) into every convolution but the first;
     * aBits = 0 gives a full-precision network on float activations ({@link FloatNetwork}).
     */
    public static Map<String, PackedConv> foldedLayers(Module model, Function<String, WeightQuantizer> quantizerOf, int aBits, int levels) {
        List<Map.Entry<String, Module>> modules = new ArrayList<>(model.namedModules().entrySet());
        Map<String, PackedConv> layers = new LinkedHashMap<>();
        boolean first = true;
        for (int i = 0; i < modules.size(); i++) {
            String name = modules.get(i).getKey();
            Module m = modules.get(i).getValue();
            if (m instanceof Conv2d conv) {
                BatchNorm2d bn = nextBatchNorm(modules, i, name);
                layers.put(name, conv(name, conv, bn, quantizerOf.apply(name), first ? 0 : aBits, levels));
                first = false;
            } else if (m instanceof Linear fc) {
                layers.put(name, classifier(name, fc, quantizerOf.apply(name)));
            }
        }
        return layers;
    }

    private static PackedConv conv(String name, Conv2d conv, BatchNorm2d bn, WeightQuantizer q, int inBits, int levels) {
        int o = conv.outChannels, k = conv.inChannels * conv.kernel * conv.kernel;
        float[] w = conv.weight().data();
        float[] bnScale = new float[o], bnShift = new float[o];
        for (int c = 0; c < o; c++) {
            float inv = (float) (1 / Math.sqrt((double) bn.runningVar().data()[c] + bn.eps));
            bnScale[c] = bn.gamma().data()[c] * inv;
            bnShift[c] = bn.beta().data()[c] - bn.runningMean().data()[c] * bnScale[c];
            if (conv.bias() != null) bnShift[c] += conv.bias().data()[c] * bnScale[c];
        }
        float[] outScale = new float[o], weightScale = new float[o];
        boolean packed = q != null && inBits > 0;
        if (packed) {
            WeightCodes codes = q.codes(w, o, k);
            for (int c = 0; c < o; c++) {
                weightScale[c] = codes.scale()[c];
                outScale[c] = weightScale[c] * (1f / levels) * bnScale[c];
            }
            WeightEncoding enc = WeightEncoding.forBits(q.bits());
            return new PackedConv(name, conv.inChannels, o, conv.kernel, conv.stride, conv.padding, enc, inBits,
                    enc.pack(codes.codes(), o, k), null, weightScale, outScale, bnShift);
        }
        // Full-precision layer (or a quantized first layer, kept as its exact fake-quantized floats).
        float[] weights = q == null ? w.clone() : q.codes(w, o, k).values();
        java.util.Arrays.fill(weightScale, 1f);
        // an F32 layer fed by codes sums w · (code · 1/L): the backends dequantize, so no step here
        return new PackedConv(name, conv.inChannels, o, conv.kernel, conv.stride, conv.padding, WeightEncoding.F32, inBits,
                null, weights, weightScale, bnScale, bnShift);
    }

    private static PackedConv classifier(String name, Linear fc, WeightQuantizer q) {
        int o = fc.outFeatures, k = fc.inFeatures;
        float[] weights = q == null ? fc.weight().data().clone() : q.codes(fc.weight().data(), o, k).values();
        float[] ones = new float[o], bias = new float[o];
        java.util.Arrays.fill(ones, 1f);
        if (fc.bias() != null) System.arraycopy(fc.bias().data(), 0, bias, 0, o);
        return new PackedConv(name, k, o, 1, 1, 0, WeightEncoding.F32, 0, null, weights, ones.clone(), ones, bias);
    }

    private static BatchNorm2d nextBatchNorm(List<Map.Entry<String, Module>> modules, int i, String conv) {
        for (int j = i + 1; j < modules.size(); j++) {
            Module m = modules.get(j).getValue();
            if (m instanceof BatchNorm2d bn) return bn;
            if (m instanceof Conv2d) break;
        }
        throw new IllegalArgumentException("convolution " + conv + " is not followed by a batchnorm to fold");
    }
}
