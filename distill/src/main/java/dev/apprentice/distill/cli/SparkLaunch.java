package dev.apprentice.distill.cli;

import dev.apprentice.distill.spark.HadoopData;
import dev.apprentice.distill.spark.SparkTraining;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** `train --workers N`: the driver's side of {@link SparkTraining}, started by spark-submit. */
final class SparkLaunch {
    private SparkLaunch() {}

    /** Trains args (the train command's, without --workers) on workers replicas; commandLine is the whole one, recorded so that --resume alone continues on Spark. */
    static int train(List<String> args, List<String> commandLine, int workers, boolean syncBatchNorm, boolean resume, boolean force) throws java.io.IOException {
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        try {
            Class.forName("org.apache.spark.SparkContext");
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--workers trains on Apache Spark, which is not on the class path: start the jar with "
                    + "spark-submit --class dev.apprentice.distill.cli.Cli apprentice-engine.jar train --workers " + workers + " ... (docs/distributed.md)");
        }
        TrainCommand driver = TrainCommand.parse(HadoopData.localized(args));
        driver.prepare(System.out);   // the driver checks the settings and the data before any executor starts
        Path dir = driver.out;
        List<String> recorded = List.copyOf(commandLine);
        SparkConf conf = new SparkConf().setAppName("apprentice train");
        if (!conf.contains("spark.master")) conf.setMaster("local[" + workers + "]");
        String[] given = args.toArray(String[]::new);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkTraining.Setup setup = (stageDir, out, progress) -> {
                TrainCommand command = TrainCommand.parse(HadoopData.localized(List.of(given)));
                command.out = stageDir;
                TrainCommand.Prepared p = command.prepare(new PrintStream(OutputStream.nullOutputStream()));   // the driver said what runs; each stage would repeat it
                return new Trainer(p.cfg(), p.splits(), out, progress).commandLine(recorded).checkpointEvery(command.checkpointEvery);
            };
            System.out.printf("training on %d Spark workers (%s), batch norm over %s%n", workers, sc.master(),
                    syncBatchNorm ? "the global batch" : "each replica's shard");
            SparkTraining.Outcome o = SparkTraining.run(sc, workers, syncBatchNorm, setup, dir, resume, force, null, System.out);
            System.out.printf("student test accuracy: top-1 %.2f%%; %.1f s; each replica sent %.1f MB in %.1f s of all-reduces; %d stages, %d retried%n",
                    o.testTop1(), o.seconds(), o.bytesSentPerReplica() / 1e6, o.allReduceSeconds(), o.stages(), o.retries());
            System.out.printf("model written to %s%n", dir.resolve(Trainer.MODEL));
        }
        return 0;
    }
}
