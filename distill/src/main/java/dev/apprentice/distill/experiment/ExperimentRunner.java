package dev.apprentice.distill.experiment;

import dev.apprentice.distill.apprentice.Distillation;
import dev.apprentice.distill.apprentice.LossWeights;
import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.RunRecord;
import dev.apprentice.distill.train.TrainConfig;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;

import dev.apprentice.nn.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan: the teachers once, then every (cell, seed) whose row is not yet in the results
 * file, C and finetune after the full-precision runs they start from. Each finished run appends
 * its row and refreshes the table and plots, so the table grows across sessions; a run killed
 * half-way resumes from its checkpoint the next time.
 *
 * <p>Run directories live outside git and may not outlive a working session, so each finished run also
 * leaves a committed copy next to the results ({@link #ARCHIVE}): its per-epoch metrics (for the
 * plots) and, for full-precision scheme-none runs, its model, which B, C and finetune start from.
 * A starting model found in neither place is trained again (its row is kept as it is).
 */
public final class ExperimentRunner {
    private final Plan plan;
    private final Splits data;
    private final Path runs;
    private final ResultsFile results;
    private final Path docs;
    private final PrintStream out;
    private final Progress progress;
    private final Path archive;

    /** Folder, beside the results file, of the committed copies of finished runs. */
    public static final String ARCHIVE = "runs";

    public ExperimentRunner(Plan plan, Splits data, Path runs, ResultsFile results, Path docs, PrintStream out, Progress progress) {
        this.plan = plan;
        this.data = data;
        this.runs = runs;
        this.results = results;
        this.docs = docs;
        this.out = out;
        this.progress = progress;
        this.archive = docs.resolve(ARCHIVE);
    }

    /** One training run of the plan. */
    record Job(String student, double width, Precision precision, Scheme scheme, String teacher, double tau, int seed, Plan.Recipe recipe) {
        String dirName() {
            return row(0, 0, 0).runDir();
        }

        ResultRow row(double testError, double top5Error, double seconds) {
            return new ResultRow(student, teacher == null ? "" : teacher, precision.toString(),
                    scheme.label(), seed, recipe.epochs(), testError, top5Error, seconds, width, tau);
        }
    }

    /**
     * The jobs in run order: the teachers, then seed by seed (so a whole first row of the table
     * exists early) the cells that start from scratch, then C and finetune, which start from them.
     */
    List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        for (Plan.Teacher t : plan.teachers())
            jobs.add(new Job(t.arch(), t.width(), Precision.FULL, Scheme.NONE, null, 1, t.seed(), plan.recipe()));
        java.util.SortedSet<Integer> seeds = new java.util.TreeSet<>();
        plan.cells().forEach(c -> seeds.addAll(c.seeds()));
        for (int seed : seeds)
            for (boolean late : new boolean[] {false, true})
                for (Plan.Cell c : plan.cells())
                    if (c.scheme().initialisesStudent() == late && c.seeds().contains(seed))
                        jobs.add(new Job(c.student(), c.width(), c.precision(), c.scheme(), c.teacher(), c.tau(), seed, late ? plan.finetuneRecipe() : plan.recipe()));
        return jobs;
    }

    public void run() throws IOException {
        List<Job> todo = new ArrayList<>();
        for (Job j : jobs()) if (!results.has(j.row(0, 0, 0).key()) && !todo.contains(j)) todo.add(j);
        out.printf("plan: %d runs, %d already in %s, %d to do%n", jobs().size(), jobs().size() - todo.size(), "the results", todo.size());
        int done = 0;
        for (Job j : todo) {
            out.printf("%n[%d/%d] %s%n", ++done, todo.size(), j.dirName());
            Trainer.Result r = train(j);
            keep(j);
            ResultRow row = j.row(100 - r.test().top1(), 100 - r.test().top5(), r.seconds()).withProvenance(RunRecord.commit(),
                    java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), plan.data() + ":" + RunRecord.dataSha256(data).substring(0, 12));
            results.append(row);
            out.printf("result: %s%n", row.csv());
            ResultsReport.write(results.rows(), runs, docs);
        }
        ResultsReport.write(results.rows(), runs, docs);
    }

    private Trainer.Result train(Job j) throws IOException {
        Plan.Recipe r = j.recipe();
        Path dir = runs.resolve(j.dirName());
        LossWeights loss = new LossWeights(LossWeights.PAPER.alpha(), LossWeights.PAPER.beta(), LossWeights.PAPER.gamma(), j.tau(), LossWeights.PAPER.tauSquared());
        Distillation d = switch (j.scheme()) {
            case NONE -> Distillation.NONE;
            case A -> new Distillation(Scheme.A, j.teacher(), 1, null, null, loss);
            case B -> new Distillation(Scheme.B, j.teacher(), 1, teacherModel(j.teacher()), null, loss);
            case C -> new Distillation(Scheme.C, j.teacher(), 1, teacherModel(j.teacher()), initModel(j), loss);
            case FINETUNE -> new Distillation(Scheme.FINETUNE, null, 1, null, initModel(j), loss);
        };
        QuantConfig q = j.precision().isFull() ? QuantConfig.FULL : QuantConfig.of(j.precision());
        TrainConfig cfg = new TrainConfig(j.student(), j.width(), q, r.epochs(), r.batchSize(), r.lr(), r.schedule(), r.warmup(),
                r.momentum(), r.nesterov(), r.weightDecay(), r.cropPadding(), r.flip(), j.seed(), dir, d);
        boolean resume = Files.exists(dir.resolve(Trainer.CHECKPOINT));
        return new Trainer(cfg, data, out, progress).run(resume, false);
    }

    private Path teacherModel(String arch) throws IOException {
        Plan.Teacher t = plan.teachers().stream().filter(x -> x.arch().equals(arch)).findFirst().orElseThrow();
        return startingModel(new Job(t.arch(), t.width(), Precision.FULL, Scheme.NONE, null, 1, t.seed(), plan.recipe()), "teacher");
    }

    private Path initModel(Job j) throws IOException {
        return startingModel(new Job(j.student(), j.width(), Precision.FULL, Scheme.NONE, null, 1, j.seed(), plan.recipe()), "full-precision student");
    }

    /** The model of a finished full-precision run: from its run directory, else its committed copy, else trained again. */
    private Path startingModel(Job source, String what) throws IOException {
        Path model = runs.resolve(source.dirName()).resolve(Trainer.MODEL);
        if (Files.exists(model)) return model;
        Path kept = archive.resolve(source.dirName()).resolve(Trainer.MODEL);
        if (Files.exists(kept)) return kept;
        if (Files.exists(runs.resolve(source.dirName()).resolve(Trainer.CHECKPOINT)))
            out.printf("the %s %s is not finished: finishing it (its row in the results stays as it is)%n", what, source.dirName());
        else
            out.printf("the %s %s is neither in %s nor in %s: training it again (its row in the results stays as it is)%n",
                    what, source.dirName(), runs, archive);
        train(source);
        keep(source);
        return model;
    }

    /** Copies a finished run's metrics, and the model of a full-precision scheme-none run, next to the results. */
    private void keep(Job j) throws IOException {
        Path from = runs.resolve(j.dirName()), to = archive.resolve(j.dirName());
        Files.createDirectories(to);
        AtomicFiles.copy(from.resolve(Trainer.METRICS), to.resolve(Trainer.METRICS));
        if (j.precision().isFull() && j.scheme() == Scheme.NONE)
            AtomicFiles.copy(from.resolve(Trainer.MODEL), to.resolve(Trainer.MODEL));
    }

}
