package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.DataSources;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.experiment.ExperimentRunner;
import dev.apprentice.distill.experiment.Plan;
import dev.apprentice.distill.experiment.ResultsFile;
import dev.apprentice.distill.experiment.ResultsReport;
import dev.apprentice.distill.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "experiment", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Run an experiment plan: train its teachers once, then each cell (student × precision × scheme) over its seeds.",
                "Every finished run appends a row to the results CSV and refreshes the markdown table and plots; runs already in the CSV are skipped, "
                        + "and a run that was killed resumes from its checkpoint. Plan format: docs/results/plan.json."})
final class ExperimentCommand implements Callable<Integer> {
    @Option(names = "--plan", paramLabel = "FILE", required = true, description = "The plan (JSON).")
    Path plan;

    @Option(names = "--results", paramLabel = "CSV", defaultValue = "docs/results/results.csv", description = "Results file. Default: ${DEFAULT-VALUE}.")
    Path results;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs/experiments", description = "Where the runs' checkpoints and models go (outside git). Default: ${DEFAULT-VALUE}.")
    Path runs;

    @Option(names = "--data", paramLabel = "DIR|embedded|debian", description = "Override the plan's data.")
    String data;

    @Option(names = "--seeds", paramLabel = "N", split = ",",
            description = "Run only these seeds of the plan's cells (a share of the work: runs resume, so the rest can follow later); the rows of the others are kept.")
    java.util.List<Integer> seeds;

    @Option(names = "--schemes", paramLabel = "S", split = ",",
            description = "Run only the cells of these schemes (none, A, B, C, finetune). Teachers and starting models are still trained when needed.")
    java.util.List<String> schemes;

    @Option(names = "--report-only", description = "Only rewrite the table and plots from the results file.")
    boolean reportOnly;

    @Option(names = "--quiet", description = "No progress bar; one line per epoch.")
    boolean quiet;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        Plan p = Plan.read(plan);
        if (seeds != null || schemes != null)
            p = p.only(seeds == null ? null : java.util.Set.copyOf(seeds),
                    schemes == null ? null : schemes.stream().map(dev.apprentice.distill.apprentice.Scheme::parse).collect(java.util.stream.Collectors.toUnmodifiableSet()));
        ResultsFile file = new ResultsFile(results);
        Path docs = results.toAbsolutePath().getParent();
        if (reportOnly) {
            ResultsReport.write(file.rows(), runs, docs);
            System.out.printf("wrote %s and %s%n", docs.resolve("table.md"), docs.resolve("plots"));
            return 0;
        }
        Splits splits = DataSources.resolve(data != null ? data : p.data());
        System.out.printf("data: %s%n", splits.source());
        System.out.printf("machine: %s%n", Threads.describe());
        new ExperimentRunner(p, splits, runs, file, docs, System.out, quiet ? Progress.QUIET : Progress.forTerminal(System.err)).run();
        System.out.printf("table: %s%n", docs.resolve("table.md"));
        return 0;
    }
}
