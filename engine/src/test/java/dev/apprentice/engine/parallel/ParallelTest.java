package dev.apprentice.engine.parallel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool runs every task once, and a call from inside a task runs serially on that task's thread, as serial() says beforehand. */
class ParallelTest {
    @Test
    void nestedCallsRunOnTheCallingTaskAndSerialSaysSo() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            assertFalse(Parallel.serial(), "two threads, no call running");
            AtomicInteger inner = new AtomicInteger(), serialInside = new AtomicInteger();
            ConcurrentHashMap<Integer, Boolean> outer = new ConcurrentHashMap<>();
            Parallel.forEach(8, t -> {
                outer.put(t, true);
                if (Parallel.serial()) serialInside.incrementAndGet();
                Thread self = Thread.currentThread();
                Parallel.forEach(5, i -> {
                    assertEquals(self, Thread.currentThread(), "a nested task left its caller's thread");
                    inner.incrementAndGet();
                });
            });
            assertEquals(8, outer.size());
            assertEquals(40, inner.get());
            assertEquals(8, serialInside.get(), "inside every task a call runs serially");
            Parallel.setThreads(1);
            assertTrue(Parallel.serial());
        } finally {
            Parallel.setThreads(before);
        }
    }
}
