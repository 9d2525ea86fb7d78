package dev.apprentice.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aRewrittenFileKeepsItsPermissions() throws IOException {
        Path f = tmp.resolve("results.csv");
        Files.writeString(f, "old\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFiles.writeString(f, "new\n");
        assertEquals("new\n", Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aNewFileGetsTheUmasksPermissionsLikeAnyNewFile() throws IOException {
        Path plain = Files.createFile(tmp.resolve("plain")), f = tmp.resolve("model.safetensors");
        AtomicFiles.writeString(f, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f), "not Files.createTempFile's 0600");
    }

    @Test
    void leftoversOfAKilledWriterGoWithTheNextWrite() throws IOException {
        Path f = tmp.resolve("checkpoint.safetensors");
        String prefix = AtomicFiles.tempPrefix(f);
        Path stale1 = Files.writeString(tmp.resolve(prefix + "123.tmp"), "half"), stale2 = Files.writeString(tmp.resolve(prefix + "abc.tmp"), "half");
        Path other = Files.writeString(tmp.resolve(".model.safetensors.9.tmp"), "another file's");
        AtomicFiles.writeString(f, "whole");
        assertFalse(Files.exists(stale1) || Files.exists(stale2));
        assertTrue(Files.exists(other), "only the written file's leftovers go");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(2, s.count(), "the file and the other file's leftover");
        }
    }

    @Test
    void aFailingWriterLeavesTheOldVersionAndNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("metrics.csv");
        Files.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }
}
