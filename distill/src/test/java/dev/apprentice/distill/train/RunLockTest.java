package dev.apprentice.distill.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondTrainerOnTheSameDirectoryIsRefusedUntilTheFirstEnds() throws IOException {
        try (RunLock first = RunLock.acquire(tmp)) {
            var e = assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(tmp));
            assertTrue(e.getMessage().contains("in use by another trainer (process " + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
        try (RunLock again = RunLock.acquire(tmp)) {
            assertTrue(again != null);
        }
    }
}
