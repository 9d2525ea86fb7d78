package dev.apprentice.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared checks for the schedule tests. */
final class LrAssert {
    private LrAssert() {}

    /**
     * Relative 1e-13: schedules are double arithmetic, and Java's Math.cos/pow may differ from
     * C's libm in the last bit or two, nothing more.
     */
    static void close(double expected, LrSchedule s, long step) {
        assertEquals(expected, s.lr(step), Math.abs(expected) * 1e-13, "lr at step " + step);
    }

    static void fails(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
