package dev.apprentice.distill.cli;

import dev.apprentice.distill.spark.HadoopData;
import dev.apprentice.distill.spark.SparkTraining;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

/** `train --workers N`: the driver's side of {@link SparkTraining}, started by spark-submit. */
final class SparkLaunch {
    private SparkLaunch() {}

    static int train(List<String> args, int workers, boolean syncBatchNorm, boolean resume, boolean force) throws java.io.IOException {
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        try {
            Class.forName("org.apache.spark.SparkContext");
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--workers trains on Apache Spark, which is not on the class path: start the jar with "
                    + "spark-submit --class dev.apprentice.distill.cli.Cli apprentice-engine.jar train --workers " + workers + " ... (docs/distributed.md)");
        }
        TrainCommand.parse(HadoopData.localized(args)).prepare(System.out);   // the driver checks the settings and the data before any executor starts
        SparkConf conf = new SparkConf().setAppName("apprentice train");
        if (!conf.contains("spark.master")) conf.setMaster("local[" + workers + "]");
        String[] given = args.toArray(String[]::new);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkTraining.Setup setup = (leader, progress) -> {
                PrintStream out = leader ? System.out : new PrintStream(OutputStream.nullOutputStream());
                TrainCommand command = TrainCommand.parse(HadoopData.localized(List.of(given)));
                TrainCommand.Prepared p = command.prepare(out);
                return new Trainer(p.cfg(), p.splits(), out, progress).commandLine(List.of(given)).checkpointEvery(command.checkpointEvery);
            };
            System.out.printf("training on %d Spark workers (%s), batch norm over %s%n", workers, sc.master(),
                    syncBatchNorm ? "the global batch" : "each replica's shard");
            SparkTraining.Outcome o = SparkTraining.run(sc, workers, syncBatchNorm, setup, resume, force, null);
            System.out.printf("student test accuracy: top-1 %.2f%%; %.1f s; each replica sent %.1f MB in %.1f s of all-reduces; %d stage attempt(s)%n",
                    o.testTop1(), o.seconds(), o.bytesSentPerReplica() / 1e6, o.allReduceSeconds(), o.attempts());
        }
        return 0;
    }
}
