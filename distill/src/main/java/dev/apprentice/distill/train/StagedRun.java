package dev.apprentice.distill.train;

import dev.apprentice.nn.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run trained in stages elsewhere (on Spark executors), each a {@link Trainer#stage} that ends at a
 * checkpoint, in a directory of its own. The run's directory stays with this process (the driver): it
 * holds the run's lock, hands each stage the files the stage resumes from, and writes back, each
 * atomically, what the stage's leader returns. A stage that fails is run again from the same files.
 */
public final class StagedRun implements AutoCloseable {
    /** The files a stage resumes from. */
    private static final List<String> STATE = List.of(Trainer.METRICS, RunRecord.FILE, Trainer.CHECKPOINT);
    /** What a stage gives back, in the order it is written back (the trainer's: the models of a finished run after its last checkpoint, its record's "ended" last). */
    private static final List<String> GIVEN_BACK = List.of(Trainer.METRICS, Trainer.CHECKPOINT, Trainer.MODEL, Trainer.PACKED, Trainer.TEACHER, RunRecord.FILE);

    private final Path dir;
    private final RunLock lock;
    private Map<String, byte[]> state = new LinkedHashMap<>();
    private boolean finished;

    private StagedRun(Path dir, RunLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /** Opens dir as the train command would (resume: from its checkpoint; overwrite: start over), holding its lock until {@link #close}. */
    public static StagedRun open(Path dir, boolean resume, boolean overwrite, PrintStream out) throws IOException {
        StagedRun run = new StagedRun(dir, RunLock.forRun(dir, resume));
        try {
            if (Trainer.resumes(dir, resume, overwrite, out)) {
                out.println(Trainer.resuming(dir, Checkpoint.load(dir.resolve(Trainer.CHECKPOINT))));
                for (String name : STATE) {
                    Path f = dir.resolve(name);
                    if (Files.exists(f)) run.state.put(name, Files.readAllBytes(f));
                }
            }
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /** What the next stage starts from: the run's metrics, record and checkpoint (none: it starts the run). */
    public Map<String, byte[]> state() {
        return state;
    }

    /** Whether the last stage written back finished the run. */
    public boolean finished() {
        return finished;
    }

    /** Writes back what a stage's leader gave ({@link #collect}); the next stage starts from it. */
    public void write(Map<String, byte[]> files) throws IOException {
        if (!files.containsKey(Trainer.CHECKPOINT)) throw new IllegalStateException("a stage ended without a checkpoint: " + files.keySet());
        for (String name : GIVEN_BACK) {
            byte[] content = files.get(name);
            if (content != null) AtomicFiles.write(dir.resolve(name), out -> out.write(content));
        }
        Map<String, byte[]> next = new LinkedHashMap<>();
        for (String name : STATE) if (files.containsKey(name)) next.put(name, files.get(name));
        state = next;
        finished = files.containsKey(Trainer.MODEL);
    }

    /** On the stage's side: puts the files a stage starts from into its directory; whether it resumes (a checkpoint is among them). */
    public static boolean unpack(Map<String, byte[]> state, Path stageDir) throws IOException {
        Files.createDirectories(stageDir);
        for (var e : state.entrySet()) Files.write(stageDir.resolve(e.getKey()), e.getValue());
        return state.containsKey(Trainer.CHECKPOINT);
    }

    /** On the stage's side, after its leader's trainer returned: the files to give back to the run. */
    public static Map<String, byte[]> collect(Path stageDir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : GIVEN_BACK) {
            Path f = stageDir.resolve(name);
            if (Files.exists(f)) files.put(name, Files.readAllBytes(f));
        }
        return files;
    }

    @Override
    public void close() throws IOException {
        lock.close();   // a run that never wrote leaves no empty directory behind
    }
}
