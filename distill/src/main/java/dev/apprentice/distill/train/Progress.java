package dev.apprentice.distill.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/** Per-batch progress during an epoch: a live bar with ETA on a terminal, or nothing. */
public interface Progress {
    /** A bar over one epoch's batches. */
    interface Bar extends AutoCloseable {
        void step(String status);

        /** A step of a resumed epoch trained before its checkpoint: counted, not trained again. */
        default void skipped() {}

        @Override
        void close();
    }

    Bar start(String task, int batches);

    Progress QUIET = (task, batches) -> new Bar() {
        @Override
        public void step(String status) {}

        @Override
        public void close() {}
    };

    /**
     * A live bar on stream (usually stderr, so stdout keeps only results) when this process runs on a
     * terminal; in a pipe, a file or a CI log, nothing (the trainer's one line per epoch stays), since a
     * bar there is hundreds of carriage-return updates on one line.
     */
    static Progress forTerminal(PrintStream stream) {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() ? console(stream) : QUIET;
    }

    /** A progress bar on the given stream, usually stderr, so stdout keeps only results. */
    static Progress console(PrintStream stream) {
        return (task, batches) -> {
            ProgressBar pb = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setMaxRenderedLength(130)
                    .setConsumer(new ConsoleProgressBarConsumer(stream))
                    .build();
            return new Bar() {
                @Override
                public void step(String status) {
                    pb.setExtraMessage(status);
                    pb.step();
                }

                @Override
                public void skipped() {
                    pb.step();
                }

                @Override
                public void close() {
                    pb.close();
                }
            };
        };
    }
}
