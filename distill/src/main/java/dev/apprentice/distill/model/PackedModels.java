package dev.apprentice.distill.model;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.QuantizeTransform;
import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedExport;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedModelFile;
import dev.apprentice.quant.packed.PackedNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Exporting trained students as packed low-bit models and running those on a device. */
public final class PackedModels {
    private PackedModels() {}

    /** Packs a trained model of the given spec (see {@link PackedExport}) and writes it atomically. */
    public static PackedModel export(Module model, ModelSpec spec, Path file) throws IOException {
        PackedModel packed = PackedExport.export(model, QuantizeTransform.plan(model, spec.quant()), spec.toMetadata());
        PackedModelFile.write(file, packed);
        return packed;
    }

    /** Whether a spec can be packed for the low-bit kernels (quantized activations, CIFAR-style ResNet). */
    public static boolean packable(ModelSpec spec) {
        return spec.quant().precision().quantizesActivations() && !spec.arch().matches("(?i)resnet-?(18|34|50|101)");
    }

    /** The spec (input shape, classes, normalization) stored in a packed model's metadata. */
    public static ModelSpec spec(PackedModel m, Path file) {
        try {
            return ModelSpec.fromMetadata(m.metadata());
        } catch (IllegalArgumentException e) {
            throw new dev.apprentice.nn.io.ModelFileException(file + ": " + e.getMessage());
        }
    }

    /** The packed network as a classifier of normalized NCHW image batches. */
    public static UnaryOperator<Tensor> classifier(PackedNetwork net, int classes) {
        return x -> {
            int[] s = x.shape();
            return Tensor.of(net.logits(x.data(), s[0], s[1], s[2], s[3]), s[0], classes);
        };
    }

    /** A backend by device name, from the devices on the class path (LowBitBackendProvider); a device that cannot run says why. */
    public static LowBitBackend backend(String device) {
        try {
            return dev.apprentice.quant.packed.LowBitBackendProvider.open(device);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--device " + device + ": " + e.getMessage(), e);
        }
    }
}
