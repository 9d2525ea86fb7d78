package dev.apprentice.distill.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One trainer per run directory: an exclusive lock on DIR/.lock, held while the run lasts and
 * released by the operating system when its process dies, however it dies. The file holds the
 * holder's process id, for the refusal's message.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;
    /** The run directory that opening it created, removed on close if nothing but the lock was written to it; else null. */
    private Path created;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Opens dir for a run and locks it: refuses a resume of a directory that does not exist and an --out that
     * cannot hold the run (before any training, not after the first epoch), creating it if need be. A directory
     * created here and left holding only the lock (a refused or failed run) is removed on close.
     */
    static RunLock forRun(Path dir, boolean resume) throws IOException {
        if (resume && !Files.isDirectory(dir)) throw new IllegalArgumentException("nothing to resume: " + dir + " does not exist");
        boolean created = !Files.exists(dir);
        requireWritableDirectory(dir);
        RunLock lock;
        try {
            lock = acquire(dir);
        } catch (IOException | RuntimeException e) {
            if (created) removeIfUnused(dir);
            throw e;
        }
        if (created) lock.created = dir;
        return lock;
    }

    private static void requireWritableDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + dir + " is a file, not a directory");
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".write-test", ".tmp"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the run to " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static void removeIfUnused(Path dir) {
        try (var entries = Files.list(dir)) {
            if (entries.allMatch(p -> p.getFileName().toString().equals(FILE))) {
                Files.deleteIfExists(dir.resolve(FILE));
                Files.delete(dir);
            }
        } catch (IOException e) {
            // left as it is: the run's own error says what went wrong
        }
    }

    /** Locks dir (which exists) or refuses, naming the process that holds it. */
    static RunLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this process
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            ch.close();
            throw new IllegalArgumentException(dir + " is in use by another trainer" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + "; wait for it to end or stop it first");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
        return new RunLock(ch, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            if (created != null) removeIfUnused(created);
        }
    }
}
