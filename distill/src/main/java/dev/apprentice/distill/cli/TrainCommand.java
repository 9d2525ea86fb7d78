package dev.apprentice.distill.cli;

import dev.apprentice.distill.apprentice.Distillation;
import dev.apprentice.distill.apprentice.LossWeights;
import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.distill.data.DataSources;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.TrainConfig;
import dev.apprentice.distill.train.RunRecord;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "train", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Train a low-precision ResNet student, with knowledge distillation from a full-precision teacher (Apprentice, arXiv 1711.05852).",
                "With no flags: scheme A on the Fashion-MNIST subset embedded in the jar, a full-precision ResNet-20 teacher and a ternary (a8w2) ResNet-8 student trained together.",
                "Writes <out>/checkpoint.safetensors after every epoch, <out>/metrics.jsonl, and at the end <out>/model.safetensors (student) and, in scheme A, <out>/teacher.safetensors."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = {"--student", "--model"}, paramLabel = "NAME", defaultValue = "resnet8",
            description = "Student network: resnet8/20/32/44/56/110 (CIFAR-style) or resnet18/34/50/101 (ImageNet-style). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--width", paramLabel = "X", defaultValue = "1", description = "Student width multiplier (1 = 16 base channels for CIFAR-style). Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--precision", paramLabel = "aXwY", defaultValue = "a8w2",
            description = "Student precision: X-bit activations, Y-bit weights, X, Y in 2, 4, 8, 32 (w2 = ternary); fp32 = full precision. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--data", paramLabel = "DIR|embedded|debian",
            description = "A folder of IDX files, CIFAR-10 batches, or train/ and test/ image folders; 'debian' for Debian's dataset-fashion-mnist; default: the subset embedded in the jar.")
    String data;

    @Option(names = "--epochs", defaultValue = "5", description = "Default: ${DEFAULT-VALUE} (the main job finishes in a few minutes; the full-data recipe uses 10).")
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

    @ArgGroup(validate = false, heading = "%nDistillation:%n")
    DistillOptions distill = new DistillOptions();

    @ArgGroup(validate = false, heading = "%nQuantizers:%n")
    QuantOptions quant = new QuantOptions();

    @Option(names = {"--out", "-o"}, paramLabel = "DIR", defaultValue = "runs/train", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint; with no other settings, those of the run (its config.json).")
    boolean resume;

    @Option(names = "--force", description = "Start over even if --out already holds a run.")
    boolean force;

    @Option(names = "--quiet", description = "No progress bar; one line per epoch.")
    boolean quiet;

    @Mixin
    Threads threads;

    @Option(names = "--workers", paramLabel = "N",
            description = "Train on N data-parallel replicas as Apache Spark barrier stages, one per checkpoint; the driver keeps --out and writes "
                    + "each checkpoint (start the jar with spark-submit; docs/distributed.md). Without it: one process.")
    Integer workers;

    private static final String CHECKPOINT_EVERY = "--checkpoint-every";

    @Option(names = CHECKPOINT_EVERY, paramLabel = "STEPS", defaultValue = "0",
            description = "Also write the checkpoint every STEPS optimizer steps within an epoch (default 0: after each epoch only); "
                    + "--resume continues from the last one with the result of an uninterrupted run.")
    int checkpointEvery;

    @Option(names = "--replica-batchnorm", description = "With --workers: each replica's batch norm uses its own shard's statistics (PyTorch DDP's default; "
            + "no sums over the replicas in the forward and backward passes) instead of the global batch's (the default, which trains what one process trains).")
    boolean replicaBatchNorm;

    static final class DistillOptions {
        @Option(names = "--scheme", paramLabel = "A|B|C|none|finetune", defaultValue = "A",
                description = "A: teacher and student trained jointly; B: frozen trained teacher (--teacher-model), student from scratch; "
                        + "C: student from a trained fp32 student (--student-init), fine-tuned with a frozen teacher; none: no teacher; "
                        + "finetune: C without the teacher. Default: ${DEFAULT-VALUE}.")
        String scheme;

        @Option(names = "--teacher", paramLabel = "NAME", description = "Teacher network for scheme A (default resnet20); in B and C, checked against --teacher-model, "
                        + "or the network of a --teacher-model that does not name one (a PyTorch state dict).")
        String teacher;

        @Option(names = "--teacher-width", paramLabel = "X", defaultValue = "1", description = "Teacher width multiplier (scheme A). Default: ${DEFAULT-VALUE}.")
        double teacherWidth;

        @Option(names = "--teacher-model", paramLabel = "FILE", description = "Trained teacher for schemes B and C: a model.safetensors, or a PyTorch state dict saved with safetensors (give --teacher).")
        Path teacherModel;

        @Option(names = "--student-init", paramLabel = "FILE", description = "Trained full-precision student of the same architecture for schemes C and finetune (ours, or a PyTorch state dict).")
        Path studentInit;

        @Option(names = "--alpha", defaultValue = "1", description = "Weight of the teacher's hard-label term H(y, p_T). Default: ${DEFAULT-VALUE}.")
        double alpha;

        @Option(names = "--beta", defaultValue = "0.5", description = "Weight of the student's hard-label term H(y, p_S). Default: ${DEFAULT-VALUE}.")
        double beta;

        @Option(names = "--gamma", defaultValue = "0.5", description = "Weight of the soft term H(softmax(z_T/τ), softmax(z_S/τ)). Default: ${DEFAULT-VALUE}.")
        double gamma;

        @Option(names = "--tau", defaultValue = "1", description = "Temperature τ (the paper: 1; above 2 is risky for quantized students). Default: ${DEFAULT-VALUE}.")
        double tau;

        @Option(names = "--tau-squared", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Multiply the soft term by τ² (Hinton et al.; keeps its gradient scale as τ changes). Default on.")
        boolean tauSquared;

        Distillation toDistillation() {
            Scheme s = Scheme.parse(scheme);
            String t = teacher == null && s == Scheme.A ? "resnet20" : teacher;
            return new Distillation(s, t, teacherWidth, teacherModel, studentInit, new LossWeights(alpha, beta, gamma, tau, tauSquared));
        }
    }

    static final class QuantOptions {
        @Option(names = "--weight-quantizer", paramLabel = "scaled|wrpn", defaultValue = "scaled",
                description = "scaled: ternary {-α,0,+α} with Δ = t·mean|w| (TWN), k-bit scaled by max|w|; wrpn: clamp to [-1,1] and round, unscaled "
                        + "(rounds a Kaiming-initialised ternary layer to all zeros). Default: ${DEFAULT-VALUE}.")
        String weightQuantizer;

        @Option(names = "--weight-scale", paramLabel = "channel|layer", defaultValue = "channel", description = "One weight scale per output channel or per layer. Default: ${DEFAULT-VALUE}.")
        String weightScale;

        @Option(names = "--ternary-threshold", paramLabel = "T", defaultValue = "0.7", description = "Ternary threshold factor t in Δ = t·mean|w|. Default: ${DEFAULT-VALUE}.")
        float threshold;

        @Option(names = "--quantize-ends", description = "Quantize the first convolution and the last linear layer too (default: full precision, as in the paper).")
        boolean quantizeEnds;

        QuantConfig toConfig(Precision p) {
            if (!weightQuantizer.equals("scaled") && !weightQuantizer.equals("wrpn"))
                throw new IllegalArgumentException("--weight-quantizer must be scaled or wrpn, got '" + weightQuantizer + "'");
            if (!weightScale.equals("channel") && !weightScale.equals("layer"))
                throw new IllegalArgumentException("--weight-scale must be channel or layer, got '" + weightScale + "'");
            return p.isFull() ? QuantConfig.FULL : new QuantConfig(p, weightQuantizer.equals("wrpn"), weightScale.equals("channel"), threshold, quantizeEnds);
        }
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Options that say how to run, not what to train: `--resume` alone takes the rest from the run's record. */
    private static final java.util.Set<String> RUN_FLAGS = java.util.Set.of("--resume", "--quiet", "--force"),
            RUN_OPTIONS = java.util.Set.of("--out", "-o", "--threads", "--vector-bits", CHECKPOINT_EVERY);

    @Override
    public Integer call() throws Exception {
        List<String> all = spec.commandLine().getParseResult().originalArgs(); // the whole command line, the command's name first
        List<String> given = all.subList(all.indexOf(spec.name()) + 1, all.size());
        Trainer.checkCheckpointEvery(checkpointEvery);   // a bad value fails before any data is read
        if (resume && whatToTrain(given).isEmpty()) {
            List<String> recorded = RunRecord.commandLine(out);
            if (recorded != null) {
                List<String> args = new java.util.ArrayList<>(List.of(spec.name()));
                args.addAll(whatToTrain(recorded));
                args.addAll(given);
                // the run's checkpoint interval goes on unless this command line gives another
                if (option(given, CHECKPOINT_EVERY).isEmpty()) args.addAll(option(recorded, CHECKPOINT_EVERY));
                System.out.printf("resuming with the settings recorded in %s%n", out.resolve(RunRecord.FILE));
                return Cli.run(args.toArray(String[]::new));
            }
        }
        if (workers != null) return SparkLaunch.train(withoutWorkers(given), given, workers, !replicaBatchNorm, resume, force);
        if (replicaBatchNorm) throw new IllegalArgumentException("--replica-batchnorm applies to --workers runs only");
        Prepared p = prepare(System.out);
        Trainer trainer = new Trainer(p.cfg(), p.splits(), System.out, quiet ? Progress.QUIET : Progress.forTerminal(System.err))
                .commandLine(given).checkpointEvery(checkpointEvery);
        Trainer.Result r = trainer.run(resume, force);
        if (r.teacherTest() != null)
            System.out.printf("teacher test accuracy: top-1 %.2f%%, top-5 %.2f%%%n", r.teacherTest().top1(), r.teacherTest().top5());
        System.out.printf("student (%s) test accuracy: top-1 %.2f%%, top-5 %.2f%% on %d images%n", r.spec().label(), r.test().top1(), r.test().top5(), r.test().images());
        System.out.printf("model written to %s%n", r.modelFile());
        if (r.packedFile() != null) System.out.printf("packed %s student written to %s%n", p.cfg().quant().precision(), r.packedFile());
        if (r.teacherFile() != null) System.out.printf("teacher written to %s%n", r.teacherFile());
        return 0;
    }

    /** A run's settings and data, checked and loaded. */
    record Prepared(TrainConfig cfg, Splits splits) {}

    /** Checks the settings (a bad model name fails before any data is read), loads the data and says what will run on out. */
    Prepared prepare(java.io.PrintStream report) throws java.io.IOException {
        threads.apply();
        QuantConfig q = quant.toConfig(Precision.parse(precision));
        Distillation d = distill.toDistillation();
        TrainConfig cfg = new TrainConfig(model, width, q, epochs, batchSize, lr, schedule, warmup, momentum, nesterov, weightDecay,
                cropPadding, flip, seed, out, d);
        // Fail on a bad model name before spending time on data.
        ResNets.create(model, 1, 10, width, seed);
        if (d.teacherArch() != null) ResNets.create(d.teacherArch(), 1, 10, d.teacherWidth(), seed);
        if (q.wrpn() && q.precision().quantizesWeights())
            System.err.println("warning: WRPN weights are unscaled: from a Kaiming initialisation ternary clamp-and-round sets every weight to 0 "
                    + "(measured: chance accuracy); use it to reproduce WRPN, not to train");
        Splits splits = DataSources.resolve(data);
        report.printf("data: %s%n", splits.source());
        report.printf("student: %s %s; scheme %s%s; %d epochs, batch %d, %s lr %.3g%n",
                model, q, d.scheme().label(), d.scheme().hasTeacher() ? ", teacher " + (d.teacherModel() != null ? d.teacherModel() : d.teacherArch()) : "",
                epochs, batchSize, schedule, lr);
        report.printf("machine: %s%n", Threads.describe());
        return new Prepared(cfg, splits);
    }

    /** The train command of args (no --workers), parsed as on the command line. */
    static TrainCommand parse(List<String> args) {
        picocli.CommandLine cl = new picocli.CommandLine(new TrainCommand());
        cl.parseArgs(args.toArray(String[]::new));
        return cl.getCommand();
    }

    private static List<String> withoutWorkers(List<String> args) {
        List<String> kept = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--workers")) i++;
            else if (!a.startsWith("--workers=") && !a.equals("--replica-batchnorm")) kept.add(a);
        }
        return kept;
    }

    /** The option name's occurrence in a command line (name and value), or nothing. */
    private static List<String> option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith(name + "=")) return List.of(args.get(i));
            if (args.get(i).equals(name) && i + 1 < args.size()) return List.of(name, args.get(i + 1));
        }
        return List.of();
    }

    /** A command line without its how-to-run options (for a recorded one, the new command line gives those). */
    private static List<String> whatToTrain(List<String> recorded) {
        List<String> kept = new java.util.ArrayList<>();
        for (int i = 0; i < recorded.size(); i++) {
            String a = recorded.get(i), name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (RUN_FLAGS.contains(a)) continue;
            if (RUN_OPTIONS.contains(name)) {
                if (!a.contains("=")) i++;
                continue;
            }
            kept.add(a);
        }
        return kept;
    }
}
