package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.DataSources;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedModelFile;
import dev.apprentice.quant.packed.PackedNetwork;
import dev.apprentice.distill.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "eval", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Evaluate a saved model (model.safetensors) or, with --packed, a packed model (recognised by itself) on the packed low-bit kernels: top-1 and top-5 accuracy on a test set.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A model file written by train, or a packed one (by export, or model.packed.safetensors; recognised without --packed).")
    Path modelFile;

    @Option(names = "--packed", description = "MODEL is a packed model (written by export or train); run it on the packed low-bit kernels (a packed file is recognised without it).")
    boolean packed;

    @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "cpu", description = "Where a packed model runs. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--data", paramLabel = "DIR|embedded|debian", description = "Test data (same sources as train).")
    String data;

    @Option(names = "--arch", paramLabel = "NAME",
            description = "The network of a MODEL that does not name one, such as a PyTorch state dict saved with safetensors (resnet8, resnet20, resnet18, ...); "
                    + "its inputs are normalized like ours (per-channel mean and std of the training images).")
    String arch;

    @Option(names = "--width", paramLabel = "X", defaultValue = "1", description = "Width multiplier with --arch. Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--batch-size", defaultValue = "500", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1");
        // a packed file is recognised from its metadata, with or without --packed
        if (packed || PackedModelFile.isPacked(modelFile)) return evalPacked();
        Splits splits = DataSources.resolve(data);
        var test = splits.test();
        ModelSpec named = arch == null ? null
                : new ModelSpec(arch, width, test.channels(), test.height(), test.width(), test.classes(), Normalization.of(splits.train()));
        ModelFiles.Loaded loaded = ModelFiles.load(modelFile, named);
        ModelSpec spec = loaded.spec();
        if (named != null && (!canonical(named.arch()).equals(canonical(spec.arch())) || named.width() != spec.width()))
            throw new IllegalArgumentException("--arch " + arch + " --width " + width + " does not match " + modelFile + ", which holds " + spec.label()
                    + " (--arch is for files that do not name their network)");
        checkFits(spec, splits);
        System.out.printf("data: %s%n", splits.source());
        Evaluation e = Evaluation.of(loaded.model(), splits.test(), spec.norm(), batchSize);
        System.out.printf("%s: top-1 %.2f%%, top-5 %.2f%%, loss %.4f on %d images%n", spec.label(), e.top1(), e.top5(), e.loss(), e.images());
        return 0;
    }

    private int evalPacked() throws java.io.IOException {
        PackedModel m = PackedModelFile.read(modelFile);
        ModelSpec spec = PackedModels.spec(m, modelFile);
        Splits splits = DataSources.resolve(data);
        checkFits(spec, splits);
        System.out.printf("data: %s%n", splits.source());
        try (PackedNetwork net = new PackedNetwork(m, PackedModels.backend(device))) {
            long t0 = System.nanoTime();
            Evaluation e = Evaluation.of(PackedModels.classifier(net, spec.classes()), splits.test(), spec.norm(), batchSize, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s packed on %s: top-1 %.2f%%, top-5 %.2f%%, loss %.4f on %d images (%.0f images/s)%n",
                    spec.label(), net.backendName(), e.top1(), e.top5(), e.loss(), e.images(), e.images() / secs);
        }
        return 0;
    }

    private static String canonical(String arch) {
        return arch.toLowerCase(java.util.Locale.ROOT).replace("-", "");
    }

    private static void checkFits(ModelSpec spec, Splits splits) {
        var test = splits.test();
        if (test.channels() != spec.channels() || test.height() != spec.height() || test.width() != spec.imageWidth() || test.classes() != spec.classes())
            throw new IllegalArgumentException(String.format("the model expects %d×%d×%d images in %d classes; %s has %d×%d×%d in %d",
                    spec.channels(), spec.height(), spec.imageWidth(), spec.classes(), splits.source(), test.channels(), test.height(), test.width(), test.classes()));
    }
}
