package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelReport;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "summary", usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Print a model's layers (output shape, parameters, weight and activation bits, multiply-accumulates), its trainable and "
                + "non-trainable parameters, and its size in fp32 and packed: of a model file, or of a network named by --model at --precision.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "A model file from train; without it, the network of --model, --width, --input, --classes and --precision.")
    Path file;

    @Option(names = "--model", defaultValue = "resnet20", description = "Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--width", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--input", defaultValue = "1x28x28", paramLabel = "CxHxW", description = "Default: ${DEFAULT-VALUE}.")
    String input;

    @Option(names = "--classes", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    int classes;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "aXwY", description = "e.g. a8w2 (ternary weights), a4w4. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec;
        dev.apprentice.nn.Module m;
        if (file != null) {
            ModelFiles.Loaded loaded = ModelFiles.load(file, null);
            spec = loaded.spec();
            m = loaded.model();
        } else {
            String[] p = input.split("x");
            if (p.length != 3) throw new IllegalArgumentException("--input must look like 1x28x28, got " + input);
            int[] shape = new int[3];
            try {
                for (int i = 0; i < 3; i++) shape[i] = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input must look like 1x28x28, got " + input);
            }
            float[] mean = new float[shape[0]], std = new float[shape[0]];
            java.util.Arrays.fill(std, 1f);
            spec = new ModelSpec(model, width, shape[0], shape[1], shape[2], classes, new Normalization(mean, std), QuantConfig.of(Precision.parse(precision)));
            m = spec.build(0);
        }
        System.out.println(spec.label() + ", input " + spec.channels() + "×" + spec.height() + "×" + spec.imageWidth() + ", " + spec.classes() + " classes");
        System.out.print(ModelReport.of(spec, m));
        return 0;
    }
}
