package dev.apprentice.distill.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A directory of this machine's temporary space that is removed, with everything in it, on close. */
record ScratchDirectory(Path path) implements AutoCloseable {

    /** A new directory under parent (null: java.io.tmpdir) whose name starts with prefix. */
    static ScratchDirectory create(Path parent, String prefix) throws IOException {
        return new ScratchDirectory(parent == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(parent, prefix));
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(path)) return;   // moved away (kept) by its owner
        try (var files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
