package dev.apprentice.distill.cli;

import dev.apprentice.engine.parallel.Parallel;
import picocli.CommandLine.Option;

/** The --threads option shared by every command that computes. */
final class Threads {
    @Option(names = "--threads", paramLabel = "N", description = "Worker threads for the kernels (default: all cores, ${DEFAULT-VALUE} here).",
            defaultValue = "${sys:apprentice.cores}")
    int threads;

    static {
        System.setProperty("apprentice.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    void apply() {
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        Parallel.setThreads(threads);
    }
}
