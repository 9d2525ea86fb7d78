package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.Batch;
import dev.apprentice.distill.data.BatchLoader;
import dev.apprentice.distill.data.Images;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.engine.kernel.SoftmaxKernel;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedModelFile;
import dev.apprentice.quant.packed.PackedNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "infer", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Classify images (PNG or JPEG of the model's input size) with a packed model on integer kernels: the three most likely classes of each.")
final class InferCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PACKED", description = "A packed model (from export, or model.packed.safetensors from train).")
    Path modelFile;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "Images to classify (at least one).")
    List<Path> images;

    @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
    String device;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        PackedModel m = PackedModelFile.read(modelFile);
        ModelSpec spec = PackedModels.spec(m, modelFile);
        try (PackedNetwork net = new PackedNetwork(m, PackedModels.backend(device))) {
            var classify = PackedModels.classifier(net, spec.classes());
            for (Path image : images) {
                var one = Images.single(image, spec.channels(), spec.height(), spec.imageWidth());
                try (BatchLoader loader = new BatchLoader(one, 1, false, null, spec.norm(), 0)) {
                    Batch b = loader.iterator().next();
                    float[] logits = classify.apply(b.images()).data(), p = new float[logits.length];
                    SoftmaxKernel.softmax(logits, 1, logits.length, p);
                    StringBuilder sb = new StringBuilder(image.toString()).append(':');
                    boolean[] used = new boolean[p.length];
                    for (int r = 0; r < Math.min(3, p.length); r++) {
                        int best = -1;
                        for (int j = 0; j < p.length; j++) if (!used[j] && (best < 0 || p[j] > p[best])) best = j;
                        used[best] = true;
                        sb.append(String.format("  class %d %.1f%%", best, 100 * p[best]));
                    }
                    System.out.println(sb);
                }
            }
        }
        return 0;
    }
}
