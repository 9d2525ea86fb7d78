package dev.apprentice.distill.cli;

import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.quant.packed.PackedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Pack a trained low-precision model for low-bit inference: weight codes at 2 (ternary), 4 or 8 bits, batchnorm folded, "
                + "activations as integer codes (docs/packed-format.md). Run it with 'eval' or 'infer'."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A model.safetensors written by train (quantized activations, CIFAR-style ResNet).")
    Path modelFile;

    @Option(names = {"--out", "-o"}, paramLabel = "FILE", description = "Packed model file. Default: MODEL with .packed.safetensors.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelFiles.Loaded m = ModelFiles.load(modelFile, null);
        if (m.spec().quant().isFull())
            throw new IllegalArgumentException(modelFile + " is a full-precision model; train with --precision (e.g. a8w2) to get one to pack");
        Path target = out != null ? out : Path.of(modelFile.toString().replaceFirst("(\\.safetensors)?$", ".packed.safetensors"));
        if (Files.exists(target) && Files.isSameFile(target, modelFile))
            throw new IllegalArgumentException("--out " + target + " is the model being exported; the packed model would replace it: choose another file");
        PackedModel packed = PackedModels.export(m.model(), m.spec(), target);
        long fp32 = 4L * m.model().parameterCount();
        System.out.printf("%s (%s): %d layers, %,d parameter bytes packed vs %,d in fp32 (%.1f× smaller); file %,d bytes%n",
                m.spec().arch(), m.spec().quant().precision(), packed.layers().size(), packed.parameterBytes(), fp32,
                fp32 / (double) packed.parameterBytes(), Files.size(target));
        System.out.printf("packed model written to %s%n", target);
        return 0;
    }
}
