package dev.apprentice.distill.train;

import dev.apprentice.distill.apprentice.ApprenticeLoss;
import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.distill.data.Augmentation;
import dev.apprentice.distill.data.Batch;
import dev.apprentice.distill.parallel.Replica;
import dev.apprentice.engine.parallel.ReplicaSums;
import dev.apprentice.distill.data.BatchLoader;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.optim.LrSchedule;
import dev.apprentice.engine.optim.Sgd;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.quant.cpu.FloatNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a student, with or without a teacher (see {@link Scheme}): SGD over shuffled, augmented
 * batches on the Apprentice loss, evaluation on the test set and a checkpoint after each epoch, and
 * the final model files. Resumable: a run restarted with resume = true continues from its last
 * checkpoint and ends with the same weights as an uninterrupted run.
 */
public final class Trainer {
    public static final String CHECKPOINT = "checkpoint.safetensors", MODEL = "model.safetensors",
            PACKED = "model.packed.safetensors", TEACHER = "teacher.safetensors", METRICS = "metrics.jsonl";
    private static final int EVAL_BATCH = 500;

    private final TrainConfig cfg;
    private final Splits data;
    private final PrintStream out;
    private final Progress progress;

    /**
     * The result of a finished run; the teacher fields are null without a teacher (teacherFile also
     * in B and C), packedFile when the student cannot be packed (full-precision activations); modelFile
     * (and the other files) also when a {@link #stage} ended before the run did.
     */
    public record Result(Module model, dev.apprentice.distill.model.ModelSpec spec, Evaluation test, Path modelFile, Path packedFile,
                         Module teacher, Evaluation teacherTest, Path teacherFile, double seconds) {}

    private List<String> commandLine;
    private Replica replica = Replica.alone();
    private int checkpointEvery;
    private boolean inStages, laterStage;

    /**
     * Runs one stage of a run split at its checkpoints (as a distributed driver does, which writes each
     * checkpoint itself): {@link #run} returns right after writing its first checkpoint, with a
     * {@link Result#modelFile()} of null while the run is unfinished. Stages do not announce resuming
     * (their directory is the stage's, the driver's is the run's), and a later stage does not record one
     * (the run's record counts invocations, not stages).
     */
    public Trainer stage(boolean first) {
        this.inStages = true;
        this.laterStage = !first;
        return this;
    }

    /**
     * Also checkpoints every steps steps within an epoch (0: only after each epoch), for epochs long enough
     * that losing one to a crash costs hours; a run resumed from such a checkpoint skips the epoch's
     * batches already trained (the epoch's order is fixed by the seed) and ends as an uninterrupted run.
     */
    public Trainer checkpointEvery(int steps) {
        this.checkpointEvery = checkCheckpointEvery(steps);
        return this;
    }

    /** steps, when it is a valid {@link #checkpointEvery}. */
    public static int checkCheckpointEvery(int steps) {
        if (steps < 0) throw new IllegalArgumentException("--checkpoint-every must be 0 (after each epoch only) or a number of steps, got " + steps);
        return steps;
    }

    /**
     * Trains as one replica of a synchronous data-parallel run (see {@link Replica}): this replica's
     * shard of every global batch, gradients and batch-norm statistics summed over the ring; only the
     * leader (rank 0) evaluates and writes the run's files, which the others read to resume.
     */
    public Trainer replica(Replica replica) {
        this.replica = replica;
        return this;
    }

    /** The command line that asked for this run, kept in the run's {@link RunRecord} (so --resume alone can continue it). */
    public Trainer commandLine(List<String> args) {
        this.commandLine = List.copyOf(args);
        return this;
    }

    public Trainer(TrainConfig cfg, Splits data, PrintStream out, Progress progress) {
        this.cfg = cfg;
        this.data = data;
        this.out = out;
        this.progress = progress;
    }

    public Result run(boolean resume, boolean overwrite) throws IOException {
        Path dir = cfg.outDir();
        if (!replica.leads()) return runLocked(resume, overwrite);   // the leader holds the run's lock and writes its files
        try (RunLock lock = RunLock.forRun(dir, resume)) {   // a refused run leaves no empty run directory behind
            return runLocked(resume, overwrite);
        }
    }

    /** A checkpoint within epoch (every replica calls it: the epoch's sums so far are summed over them), written by the leader. */
    private void checkpointWithin(Path file, int epoch, int stepInEpoch, EpochSums sums, double epochSeconds, double elapsed, Module student,
                                  Module teacher, Scheme scheme, Sgd sgd, Participants who, Evaluation frozenTeacher) throws IOException {
        EpochSums global = EpochSums.of(sums.values());
        global.sumOver(replica.ring());
        if (!replica.leads()) return;
        Checkpoint.save(file, epoch - 1, stepInEpoch, global.values(), epochSeconds, elapsed + epochSeconds, student,
                scheme.trainsTeacher() ? teacher : null, sgd.state(), cfg, who.studentSpec(), frozenTeacher);
    }

    /** Whether a run asked to resume (or to start over: overwrite) in dir resumes from a checkpoint there; refuses to overwrite a run unasked. */
    static boolean resumes(Path dir, boolean resume, boolean overwrite, PrintStream out) {
        Path ckptFile = dir.resolve(CHECKPOINT);
        if (!resume && !overwrite && Files.exists(ckptFile))
            throw new IllegalArgumentException(dir + " already holds a run (" + CHECKPOINT + "); use --resume to continue it or --force to start over");
        if (resume && !Files.exists(ckptFile)) {
            out.printf("no %s in %s yet (the run stopped in its first epoch): starting over%n", CHECKPOINT, dir);
            return false;
        }
        return resume;
    }

    private Result runLocked(boolean resume, boolean overwrite) throws IOException {
        Path dir = cfg.outDir();
        Path ckptFile = dir.resolve(CHECKPOINT);
        resume = resumes(dir, resume, overwrite, out);

        var t = data.train();
        Normalization norm = Normalization.of(t);
        Participants who = Participants.build(cfg, data, norm, out);
        Scheme scheme = cfg.distill().scheme();
        Module student = who.student(), teacher = who.teacher();
        TeacherInput teacherInput = teacher == null ? null : TeacherInput.between(norm, who.teacherSpec().norm());
        MemoryCheck.check(cfg.batchSize(), who.studentSpec().sampleShape(), student, teacher);
        int stepsPerEpoch = (t.size() + cfg.batchSize() - 1) / cfg.batchSize();
        long totalSteps = (long) stepsPerEpoch * cfg.epochs();
        Sgd.Builder opt = Sgd.builder().lr(cfg.lr()).momentum(cfg.momentum()).nesterov(cfg.nesterov())
                .weightDecay(cfg.weightDecay()).group(student.parameters());
        if (scheme.trainsTeacher()) opt.group(teacher.parameters());
        Sgd sgd = opt.build();
        LrSchedule schedule = Schedules.create(cfg.schedule(), cfg.lr(), totalSteps, cfg.warmup(), stepsPerEpoch, cfg.epochs());

        int startEpoch = 0, skipSteps = 0;
        double elapsed = 0, partialSeconds = 0;
        double[] partialSums = null;
        Evaluation resumedTeacherTest = null;
        if (resume) {
            Checkpoint ck = Checkpoint.load(ckptFile);
            resumedTeacherTest = ck.frozenTeacherTest();
            List<String> diff = differences(ck.config(), cfg.fingerprint());
            if (!diff.isEmpty())
                throw new IllegalArgumentException("the checkpoint in " + dir + " is from a different run: " + String.join(", ", diff));
            try {
                student.loadStateDict(ck.model());
                if (scheme.trainsTeacher()) teacher.loadStateDict(ck.teacher());
                sgd.loadState(ck.optimizer());
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(ckptFile + " does not fit " + who.studentSpec().label() + ": " + e.getMessage());
            }
            startEpoch = ck.epoch();
            skipSteps = ck.stepInEpoch();
            partialSums = ck.epochSums();
            partialSeconds = ck.epochSeconds();
            elapsed = ck.seconds() - partialSeconds;   // the resumed epoch's seconds so far count again in its own row
            if (!inStages) out.println(resuming(dir, ck));   // a stage's directory is not the run's: its driver says it
        }
        Evaluation frozenTeacher = null;
        if (teacher != null && !scheme.trainsTeacher() && replica.leads()) {
            // the frozen teacher's test accuracy cannot change: a resumed run (a distributed stage) takes it from the checkpoint
            frozenTeacher = resumedTeacherTest != null ? resumedTeacherTest : Evaluation.of(teacher, data.test(), who.teacherSpec().norm(), EVAL_BATCH);
            if (!laterStage) out.printf("teacher %s (frozen): test top-1 %.2f%%%n", who.teacherSpec().label(), frozenTeacher.top1());
        }
        MetricsLog metrics = null;
        if (replica.leads()) {
            Files.createDirectories(dir);
            if (!laterStage) RunRecord.started(dir, cfg, data, commandLine, resume);
            metrics = new MetricsLog(dir.resolve(METRICS), startEpoch);
        }
        List<Tensor> trained = new ArrayList<>(student.parameters());
        if (scheme.trainsTeacher()) trained.addAll(teacher.parameters());
        float[] gradientBuffer = null;
        double[] lossSum = new double[1];

        Augmentation aug = new Augmentation(cfg.cropPadding(), cfg.flip());
        Evaluation test = null, teacherTest = frozenTeacher;
        // a frozen full-precision teacher runs as the compiled NHWC inference network (the same logits to rounding, faster: docs/benchmarks.md)
        FloatNetwork fastTeacher = teacher != null && !scheme.trainsTeacher() && FloatNetwork.supports(teacher) ? FloatNetwork.of(teacher) : null;
        long step = (long) startEpoch * stepsPerEpoch + skipSteps;
        for (int epoch = startEpoch + 1; epoch <= cfg.epochs(); epoch++) {
            boolean resumed = epoch == startEpoch + 1 && skipSteps > 0;
            // a resumed epoch's sums so far are the leader's alone: the others' shards add only what follows
            EpochSums sums = resumed && replica.leads() ? EpochSums.of(partialSums) : new EpochSums();
            double earlier = resumed ? partialSeconds : 0;
            long start = System.nanoTime() - (long) (earlier * 1e9), teacherNanos = 0;
            int stepInEpoch = 0;
            student.train(true);
            if (scheme.trainsTeacher()) teacher.train(true);
            try (BatchLoader loader = new BatchLoader(t, cfg.batchSize(), true, aug, norm, epochSeed(cfg.seed(), epoch));
                 Progress.Bar bar = progress.start(String.format("epoch %d/%d", epoch, cfg.epochs()), loader.batches())) {
                for (Batch global : loader) {
                    if (resumed && stepInEpoch < skipSteps) {   // trained before the checkpoint: drawn (the order and augmentation continue) but not trained on
                        stepInEpoch++;
                        bar.skipped();
                        continue;
                    }
                    Batch b = replica.shard(global);
                    // One step's activations and gradients live in the arena and are reused by the
                    // next step; everything read after the step (loss, accuracy counts) is summed first.
                    try (var arena = StepArena.open(); var replicas = ReplicaSums.install(replica.batchNormSums())) {
                        schedule.applyTo(sgd, step);
                        sgd.zeroGrad();
                        Tensor zS = student.forward(b.images());
                        Tensor zT = null;
                        if (teacher != null) {
                            long t0 = System.nanoTime();
                            Tensor xT = teacherInput.apply(b.images());
                            if (scheme.trainsTeacher()) {
                                zT = teacher.forward(xT);
                            } else if (fastTeacher != null) {
                                zT = fastTeacher.logits(xT);
                            } else {
                                try (var noGraph = GradMode.off()) {
                                    zT = teacher.forward(xT);
                                }
                            }
                            teacherNanos += System.nanoTime() - t0;
                        }
                        ApprenticeLoss.Terms loss = ApprenticeLoss.of(zS, zT, b.labels(), cfg.distill().weights());
                        // a replica's loss is its share of the global batch's mean loss: its shard's mean weighted by shard size
                        float share = b.size() / (float) global.size();
                        Tensor objective = replica.replicas() == 1 ? loss.total() : loss.total().mul(share);
                        lossSum[0] = objective.item();
                        replica.ring().sum(lossSum);   // every replica stops together on a diverged global loss
                        float lv = (float) lossSum[0];
                        if (!Float.isFinite(lv))
                            throw new DivergenceException(String.format("the loss became %s at epoch %d, step %d (learning rate %.4g); "
                                    + "try a lower --lr. %s", lv, epoch, step, sgd.lr(),
                                    Files.exists(ckptFile) ? "The last good checkpoint is in " + dir : "No checkpoint was written before it"));
                        objective.backward();
                        gradientBuffer = replica.sumGradients(trained, gradientBuffer);
                        sgd.step();
                        step++;
                        sums.add(b, loss, zS, zT);
                    }
                    stepInEpoch++;
                    if (checkpointEvery > 0 && stepInEpoch % checkpointEvery == 0 && stepInEpoch < loader.batches()) {
                        checkpointWithin(ckptFile, epoch, stepInEpoch, sums, (System.nanoTime() - start) / 1e9, elapsed, student, teacher, scheme, sgd, who, frozenTeacher);
                        if (inStages) return paused(student, who, teacher, null, teacherTest, elapsed);
                    }
                    double secs = (System.nanoTime() - start) / 1e9;
                    bar.step(String.format("loss %.4f acc %.2f%%%s %.0f img/s", sums.loss(), sums.studentAcc(),
                            scheme.trainsTeacher() ? String.format(" teacher %.2f%%", sums.teacherAcc()) : "", sums.images() / secs));
                }
            }
            double trainSecs = (System.nanoTime() - start) / 1e9;
            sums.sumOver(replica.ring());
            boolean pauses = inStages && epoch < cfg.epochs();
            if (!replica.leads()) {
                if (pauses) return paused(student, who, teacher, null, null, elapsed);
                continue;
            }
            test = Evaluation.of(student, data.test(), norm, EVAL_BATCH);
            if (scheme.trainsTeacher()) teacherTest = Evaluation.of(teacher, data.test(), norm, EVAL_BATCH);
            double secs = (System.nanoTime() - start) / 1e9;
            elapsed += secs;
            metrics.append(row(epoch, sums, test, teacherTest, sgd.lr(), trainSecs, secs, teacherNanos / 1e9));
            Checkpoint.save(ckptFile, epoch, elapsed, student, scheme.trainsTeacher() ? teacher : null, sgd.state(), cfg, who.studentSpec(), frozenTeacher);
            out.printf("epoch %2d/%d  loss %.4f  train %.2f%%  test top-1 %.2f%% top-5 %.2f%%%s  %.0f img/s  %.1fs%n",
                    epoch, cfg.epochs(), sums.loss(), sums.studentAcc(), test.top1(), test.top5(),
                    scheme.trainsTeacher() ? String.format("  teacher test %.2f%%", teacherTest.top1()) : "", sums.images() / trainSecs, secs);
            if (pauses) return paused(student, who, teacher, test, teacherTest, elapsed);
        }
        if (!replica.leads()) return new Result(student, who.studentSpec(), null, null, null, teacher, null, null, elapsed);
        if (test == null) test = Evaluation.of(student, data.test(), norm, EVAL_BATCH);
        Path modelFile = dir.resolve(MODEL);
        ModelFiles.save(modelFile, who.studentSpec(), student);
        Path packedFile = null;
        if (!cfg.quant().isFull() && PackedModels.packable(who.studentSpec())) {
            packedFile = dir.resolve(PACKED);
            PackedModels.export(student, who.studentSpec(), packedFile);
        }
        Path teacherFile = null;
        if (scheme.trainsTeacher()) {
            teacherFile = dir.resolve(TEACHER);
            ModelFiles.save(teacherFile, who.teacherSpec(), teacher);
        }
        RunRecord.ended(dir);
        return new Result(student, who.studentSpec(), test, modelFile, packedFile, teacher, teacherTest, teacherFile, elapsed);
    }

    /** Where a run resumed from ck continues. */
    public static String resuming(Path dir, Checkpoint ck) {
        String epochs = ck.config().get("epochs");
        return ck.stepInEpoch() > 0 ? String.format("resuming %s in epoch %d of %s after step %d", dir, ck.epoch() + 1, epochs, ck.stepInEpoch())
                : String.format("resuming %s from epoch %d of %s", dir, ck.epoch(), epochs);
    }

    private static Result paused(Module student, Participants who, Module teacher, Evaluation test, Evaluation teacherTest, double elapsed) {
        return new Result(student, who.studentSpec(), test, null, null, teacher, teacherTest, null, elapsed);
    }

    private static Map<String, Object> row(int epoch, EpochSums s, Evaluation test, Evaluation teacherTest, double lr,
                                           double trainSecs, double secs, double teacherSecs) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", epoch);
        row.put("train_loss", s.loss());
        if (s.hasTeacher()) {
            row.put("loss_teacher_hard", s.teacherHard());
            row.put("loss_student_hard", s.studentHard());
            row.put("loss_soft", s.soft());
            row.put("teacher_train_acc", s.teacherAcc());
        }
        row.put("train_acc", s.studentAcc());
        row.put("test_loss", test.loss());
        row.put("test_top1", test.top1());
        row.put("test_top5", test.top5());
        if (teacherTest != null) row.put("teacher_test_top1", teacherTest.top1());
        row.put("lr", lr);
        row.put("train_images_per_second", s.images() / trainSecs);
        if (s.hasTeacher()) row.put("teacher_forward_share", teacherSecs / trainSecs);
        row.put("seconds", secs);
        return row;
    }

    /** Each epoch's shuffle and augmentation depend only on the run seed and the epoch. */
    static long epochSeed(long seed, int epoch) {
        return seed * 0x9E3779B97F4A7C15L + epoch;
    }

    private static List<String> differences(Map<String, String> saved, Map<String, String> now) {
        List<String> d = new ArrayList<>();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(now.keySet());
        keys.addAll(saved.keySet());
        for (String k : keys) {
            String s = saved.get(k), n = now.get(k);
            // checkpoints written before precisions existed were full precision
            if (s == null && k.equals("precision") && "fp32".equals(n)) continue;
            if (!java.util.Objects.equals(s, n)) d.add(k + " was " + (s == null ? "none" : s) + ", now " + (n == null ? "none" : n));
        }
        return d;
    }
}
