package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.DataSources;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.TrainConfig;
import dev.apprentice.distill.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Train a ResNet on image data and evaluate it on the test set after every epoch.",
                "Data: --data DIR, else Debian's dataset-fashion-mnist if installed, else the Fashion-MNIST subset embedded in the jar.",
                "Writes <out>/checkpoint.safetensors after every epoch, <out>/metrics.jsonl, and <out>/model.safetensors at the end."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", defaultValue = "resnet20",
            description = "resnet8/20/32/44/56/110 (CIFAR-style) or resnet18/34/50/101 (ImageNet-style). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--width", paramLabel = "X", defaultValue = "1", description = "Width multiplier (1 = 16 base channels for CIFAR-style). Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--data", paramLabel = "DIR|embedded|debian",
            description = "A folder of IDX files, CIFAR-10 batches, or train/ and test/ image folders; or 'embedded' / 'debian'.")
    String data;

    @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.1", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--schedule", defaultValue = "onecycle", description = "onecycle, cosine, step or constant. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0.15", description = "Fraction of the run spent warming up (one-cycle, cosine). Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--nesterov", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Nesterov momentum (default on; --no-nesterov for classical).")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--crop-padding", defaultValue = "2", description = "Random-crop padding in pixels (0 = off). Default: ${DEFAULT-VALUE}.")
    int cropPadding;

    @Option(names = "--flip", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Random horizontal flips (default on).")
    boolean flip;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialisation, shuffling and augmentation. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"--out", "-o"}, paramLabel = "DIR", defaultValue = "runs/train", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--force", description = "Start over even if --out already holds a run.")
    boolean force;

    @Option(names = "--quiet", description = "No progress bar; one line per epoch.")
    boolean quiet;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        TrainConfig cfg = new TrainConfig(model, width, epochs, batchSize, lr, schedule, warmup, momentum, nesterov, weightDecay,
                cropPadding, flip, seed, out);
        // Fail on a bad model name before spending time on data.
        dev.apprentice.nn.resnet.ResNets.create(model, 1, 10, width, seed);
        Splits splits = DataSources.resolve(data);
        System.out.printf("data: %s%n", splits.source());
        System.out.printf("model: %s, width ×%s; %d epochs, batch %d, %s lr %.3g, %d threads%n",
                model, width, epochs, batchSize, schedule, lr, dev.apprentice.engine.parallel.Parallel.threads());
        Trainer trainer = new Trainer(cfg, splits, System.out, quiet ? Progress.QUIET : Progress.console(System.err));
        Trainer.Result r = trainer.run(resume, force);
        System.out.printf("test accuracy: top-1 %.2f%%, top-5 %.2f%% on %d images%n", r.test().top1(), r.test().top5(), r.test().images());
        System.out.printf("model written to %s%n", r.modelFile());
        return 0;
    }
}
