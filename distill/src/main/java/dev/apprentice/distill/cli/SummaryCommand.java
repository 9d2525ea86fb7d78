package dev.apprentice.distill.cli;

import dev.apprentice.nn.Module;
import dev.apprentice.nn.Summary;
import dev.apprentice.nn.resnet.ResNets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "summary", usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Print a model's layers: output shape, parameters, multiply-accumulates and bytes per sample.")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "resnet20", description = "Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--width", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--input", defaultValue = "1x28x28", paramLabel = "CxHxW", description = "Default: ${DEFAULT-VALUE}.")
    String input;

    @Option(names = "--classes", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    int classes;

    @Override
    public Integer call() {
        String[] p = input.split("x");
        if (p.length != 3) throw new IllegalArgumentException("--input must look like 1x28x28, got " + input);
        int[] shape = new int[3];
        try {
            for (int i = 0; i < 3; i++) shape[i] = Integer.parseInt(p[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--input must look like 1x28x28, got " + input);
        }
        Module m = ResNets.create(model, shape[0], classes, width, 0);
        System.out.println(m);
        System.out.print(Summary.of(m, shape).table());
        return 0;
    }
}
