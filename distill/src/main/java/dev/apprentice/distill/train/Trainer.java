package dev.apprentice.distill.train;

import dev.apprentice.distill.data.Augmentation;
import dev.apprentice.distill.data.Batch;
import dev.apprentice.distill.data.BatchLoader;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.optim.LrSchedule;
import dev.apprentice.engine.optim.Sgd;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.io.ModelFileException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised training of one network: SGD over shuffled, augmented batches, evaluation on the
 * test set after each epoch, a checkpoint after each epoch, and a final model file. Resumable:
 * a run restarted with resume = true continues from its last checkpoint and ends with the same
 * weights as an uninterrupted run.
 */
public final class Trainer {
    public static final String CHECKPOINT = "checkpoint.safetensors", MODEL = "model.safetensors", METRICS = "metrics.jsonl";
    private static final int EVAL_BATCH = 500;

    private final TrainConfig cfg;
    private final Splits data;
    private final PrintStream out;
    private final Progress progress;

    /** The result of a finished run. */
    public record Result(Module model, ModelSpec spec, Evaluation test, Path modelFile) {}

    public Trainer(TrainConfig cfg, Splits data, PrintStream out, Progress progress) {
        this.cfg = cfg;
        this.data = data;
        this.out = out;
        this.progress = progress;
    }

    public Result run(boolean resume, boolean overwrite) throws IOException {
        Path dir = cfg.outDir();
        Path ckptFile = dir.resolve(CHECKPOINT);
        if (!resume && !overwrite && Files.exists(ckptFile))
            throw new IllegalArgumentException(dir + " already holds a run (" + CHECKPOINT + "); use --resume to continue it or --force to start over");
        if (resume && !Files.exists(ckptFile))
            throw new IllegalArgumentException("nothing to resume: no " + CHECKPOINT + " in " + dir);

        Normalization norm = Normalization.of(data.train());
        var t = data.train();
        ModelSpec spec = new ModelSpec(cfg.arch(), cfg.width(), t.channels(), t.height(), t.width(), t.classes(), norm);
        Module model = spec.build(cfg.seed());
        int stepsPerEpoch = (t.size() + cfg.batchSize() - 1) / cfg.batchSize();
        long totalSteps = (long) stepsPerEpoch * cfg.epochs();
        Sgd sgd = Sgd.builder().lr(cfg.lr()).momentum(cfg.momentum()).nesterov(cfg.nesterov())
                .weightDecay(cfg.weightDecay()).group(model.parameters()).build();
        LrSchedule schedule = Schedules.create(cfg.schedule(), cfg.lr(), totalSteps, cfg.warmup(), stepsPerEpoch, cfg.epochs());

        int startEpoch = 0;
        if (resume) {
            Checkpoint ck = Checkpoint.load(ckptFile);
            List<String> diff = differences(ck.config(), cfg.fingerprint());
            if (!diff.isEmpty())
                throw new IllegalArgumentException("the checkpoint in " + dir + " is from a different run: " + String.join(", ", diff));
            try {
                model.loadStateDict(ck.model());
                sgd.loadState(ck.optimizer());
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(ckptFile + " does not fit " + cfg.arch() + ": " + e.getMessage());
            }
            startEpoch = ck.epoch();
            out.printf("resuming %s from epoch %d of %d%n", dir, startEpoch, cfg.epochs());
        }
        Files.createDirectories(dir);
        MetricsLog metrics = new MetricsLog(dir.resolve(METRICS), startEpoch);

        Augmentation aug = new Augmentation(cfg.cropPadding(), cfg.flip());
        Evaluation test = null;
        long step = (long) startEpoch * stepsPerEpoch;
        for (int epoch = startEpoch + 1; epoch <= cfg.epochs(); epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            model.train(true);
            try (BatchLoader loader = new BatchLoader(t, cfg.batchSize(), true, aug, norm, epochSeed(cfg.seed(), epoch));
                 Progress.Bar bar = progress.start(String.format("epoch %d/%d", epoch, cfg.epochs()), loader.batches())) {
                for (Batch b : loader) {
                    schedule.applyTo(sgd, step);
                    sgd.zeroGrad();
                    Tensor logits = model.forward(b.images());
                    Tensor loss = Loss.crossEntropy(logits, b.labels());
                    float lv = loss.item();
                    if (!Float.isFinite(lv))
                        throw new DivergenceException(String.format("the loss became %s at epoch %d, step %d (learning rate %.4g); "
                                + "try a lower --lr. The last good checkpoint is in %s", lv, epoch, step, sgd.lr(), dir));
                    loss.backward();
                    sgd.step();
                    step++;
                    lossSum += (double) lv * b.size();
                    correct += Evaluation.hits(logits, b.labels())[0];
                    seen += b.size();
                    double secs = (System.nanoTime() - start) / 1e9;
                    bar.step(String.format("loss %.4f acc %.2f%% %.0f img/s", lossSum / seen, 100.0 * correct / seen, seen / secs));
                }
            }
            double trainSecs = (System.nanoTime() - start) / 1e9;
            test = Evaluation.of(model, data.test(), norm, EVAL_BATCH);
            double secs = (System.nanoTime() - start) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", epoch);
            row.put("train_loss", lossSum / seen);
            row.put("train_acc", 100.0 * correct / seen);
            row.put("test_loss", test.loss());
            row.put("test_top1", test.top1());
            row.put("test_top5", test.top5());
            row.put("lr", sgd.lr());
            row.put("train_images_per_second", seen / trainSecs);
            row.put("seconds", secs);
            metrics.append(row);
            Checkpoint.save(ckptFile, epoch, model, sgd.state(), cfg, spec);
            out.printf("epoch %2d/%d  train loss %.4f acc %.2f%%  test loss %.4f top-1 %.2f%% top-5 %.2f%%  %.0f img/s  %.1fs%n",
                    epoch, cfg.epochs(), lossSum / seen, 100.0 * correct / seen, test.loss(), test.top1(), test.top5(), seen / trainSecs, secs);
        }
        if (test == null) test = Evaluation.of(model, data.test(), norm, EVAL_BATCH);
        Path modelFile = dir.resolve(MODEL);
        ModelFiles.save(modelFile, spec, model);
        return new Result(model, spec, test, modelFile);
    }

    /** Each epoch's shuffle and augmentation depend only on the run seed and the epoch. */
    static long epochSeed(long seed, int epoch) {
        return seed * 0x9E3779B97F4A7C15L + epoch;
    }

    private static List<String> differences(Map<String, String> saved, Map<String, String> now) {
        List<String> d = new ArrayList<>();
        for (var e : now.entrySet()) {
            String s = saved.get(e.getKey());
            if (!e.getValue().equals(s)) d.add(e.getKey() + " was " + s + ", now " + e.getValue());
        }
        return d;
    }
}
