package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.DataSources;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "eval", sortOptions = false, usageHelpAutoWidth = true,
        description = "Evaluate a saved model (model.safetensors) on a test set: top-1 and top-5 accuracy.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A model file written by train.")
    Path modelFile;

    @Option(names = "--data", paramLabel = "DIR|embedded|debian", description = "Test data (same sources as train).")
    String data;

    @Option(names = "--batch-size", defaultValue = "500", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1");
        ModelFiles.Loaded loaded = ModelFiles.load(modelFile, null);
        Splits splits = DataSources.resolve(data);
        ModelSpec spec = loaded.spec();
        var test = splits.test();
        if (test.channels() != spec.channels() || test.height() != spec.height() || test.width() != spec.imageWidth() || test.classes() != spec.classes())
            throw new IllegalArgumentException(String.format("the model expects %d×%d×%d images in %d classes; %s has %d×%d×%d in %d",
                    spec.channels(), spec.height(), spec.imageWidth(), spec.classes(), splits.source(), test.channels(), test.height(), test.width(), test.classes()));
        System.out.printf("data: %s%n", splits.source());
        Evaluation e = Evaluation.of(loaded.model(), test, spec.norm(), batchSize);
        System.out.printf("%s: top-1 %.2f%%, top-5 %.2f%%, loss %.4f on %d images%n", spec.arch(), e.top1(), e.top5(), e.loss(), e.images());
        return 0;
    }
}
