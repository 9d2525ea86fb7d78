package dev.apprentice.distill;

import dev.apprentice.distill.data.Images;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.kernel.SoftmaxKernel;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.cpu.FloatNetwork;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedModelFile;
import dev.apprentice.quant.packed.PackedNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The library's front door for inference: a model file that `train` wrote (model.safetensors, full
 * precision or fake-quantized, or the packed model.packed.safetensors, which runs on the packed
 * kernels) as a classifier of raw images. It applies the model's own input normalisation (the
 * training set's per-channel mean and std, stored in the file), so callers pass pixels as they are.
 * Thread-confined; close it to free a packed network's native resources (GPU memory on CUDA).
 */
public final class Classifier implements AutoCloseable {
    private final ModelSpec spec;
    private final UnaryOperator<Tensor> logits;
    private final PackedNetwork packed;

    private Classifier(ModelSpec spec, UnaryOperator<Tensor> logits, PackedNetwork packed) {
        this.spec = spec;
        this.logits = logits;
        this.packed = packed;
    }

    /** Opens a model file; a packed one (recognised from its metadata) runs on the CPU's packed kernels. */
    public static Classifier open(Path file) throws IOException {
        return open(file, "cpu");
    }

    /** Opens a model file; device (cpu or cuda) is where a packed model runs. */
    public static Classifier open(Path file, String device) throws IOException {
        if (PackedModelFile.isPacked(file)) {
            PackedModel m = PackedModelFile.read(file);
            ModelSpec spec = PackedModels.spec(m, file);
            PackedNetwork net = new PackedNetwork(m, PackedModels.backend(device));
            return new Classifier(spec, PackedModels.classifier(net, spec.classes()), net);
        }
        ModelFiles.Loaded loaded = ModelFiles.load(file, null);
        Module model = loaded.model();
        model.eval();
        UnaryOperator<Tensor> forward = FloatNetwork.supports(model) ? FloatNetwork.of(model)::logits : model::forward;
        return new Classifier(loaded.spec(), forward, null);
    }

    /** Class probabilities of one image given as channel planes of 0-255 bytes (C×H×W, the model's input shape). */
    public float[] probabilities(byte[] chw) {
        int size = spec.channels() * spec.height() * spec.imageWidth();
        if (chw.length != size)
            throw new IllegalArgumentException(chw.length + " bytes for an image of " + spec.channels() + "×" + spec.height() + "×" + spec.imageWidth());
        Tensor x = Tensor.of(spec.norm().apply(chw), 1, spec.channels(), spec.height(), spec.imageWidth());
        float[] z;
        try (var noGrad = GradMode.off()) {
            z = logits.apply(x).data();
        }
        float[] p = new float[spec.classes()];
        SoftmaxKernel.softmax(z, 1, spec.classes(), p);
        return p;
    }

    /** Class probabilities of a PNG or JPEG of the model's input size (gray images feed RGB models and vice versa). */
    public float[] probabilities(Path image) {
        return probabilities(Images.single(image, spec.channels(), spec.height(), spec.imageWidth()).pixels());
    }

    /** The most probable class of one image (C×H×W bytes). */
    public int predict(byte[] chw) {
        float[] p = probabilities(chw);
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    /** What the file holds, e.g. "resnet8×1.0 a8w2". */
    public String label() {
        return spec.label();
    }

    public int channels() {
        return spec.channels();
    }

    public int height() {
        return spec.height();
    }

    public int width() {
        return spec.imageWidth();
    }

    public int classes() {
        return spec.classes();
    }

    /** Class c's name as the training data named it ("sandal"), or "class c" for a file without names. */
    public String className(int c) {
        return spec.className(c);
    }

    /** Whether the model runs on the packed low-bit kernels. */
    public boolean packed() {
        return packed != null;
    }

    @Override
    public void close() {
        if (packed != null) packed.close();
    }
}
