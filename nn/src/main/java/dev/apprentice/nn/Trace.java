package dev.apprentice.nn;

import dev.apprentice.engine.tensor.Tensor;

import java.util.function.Consumer;

/** Lets a model summary watch leaf layers run, without costing anything when none watches. */
public final class Trace {
    /** What one leaf layer did in a forward pass. */
    public record Event(Module layer, int[] outShape, long macs) {}

    private static final ThreadLocal<Consumer<Event>> LISTENER = new ThreadLocal<>();

    private Trace() {}

    /** Called by leaf layers after computing out; macs = multiply-accumulates per sample. */
    public static void record(Module layer, Tensor out, long macs) {
        Consumer<Event> l = LISTENER.get();
        if (l != null) l.accept(new Event(layer, out.shape(), macs));
    }

    /** Whether a summary watches this thread's layers (then every layer must run, and report, on its own). */
    public static boolean watched() {
        return LISTENER.get() != null;
    }

    /** Runs body with listener receiving every leaf layer's event on this thread. */
    static void watching(Consumer<Event> listener, Runnable body) {
        LISTENER.set(listener);
        try {
            body.run();
        } finally {
            LISTENER.remove();
        }
    }
}
