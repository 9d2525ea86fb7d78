package dev.apprentice.engine.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Reuses the large arrays of one training step in the next. A step allocates the same
 * activations and gradients every time (hundreds of MB for ResNet-20 at batch 128); fresh arrays
 * cost the JVM a zeroing pass each and young collections that copy whatever activations are live
 * when they strike. Inside an open arena the ops take their outputs and intermediate gradients
 * from arrays the previous step lent, returned when the step's arena closes.
 *
 * <p>The contract, kept by whoever opens it (the trainer, the step benchmark): no tensor made
 * inside the scope, nor its data, is used after {@link Scope#close()}; read what must outlive the step
 * (the loss value, accuracy counts) before closing, or {@link Tensor#copy()} it. Parameters and
 * their gradients never come from the arena (leaf gradients persist across steps), nor does
 * anything allocated outside an open scope or on another thread.
 *
 * <p>Arrays are pooled by exact length; a length no step asked for is dropped at close, so a
 * changed batch size (an epoch's last, partial batch) does not pin the old arrays.
 *
 * <p>Scopes nest: an inner scope (a task that runs on whichever thread claims it, and so on
 * the caller's thread too, inside the caller's scope) takes back at its close what was lent
 * since it opened, so the next task on that thread reuses it.
 */
public final class StepArena {
    /**
     * Arrays shorter than this (in elements) are left to the allocator: cheap, and not worth the
     * bookkeeping. Not much larger: inference split by images makes a 4-image layer's activations
     * (12,544 floats at 7×7×64) hundreds of times a second, and garbage at that rate reached new,
     * untouched young-generation pages after each heap growth and halved throughput for seconds.
     */
    static final int MIN_FLOATS = 1 << 10;

    private static final ThreadLocal<StepArena> ARENAS = ThreadLocal.withInitial(StepArena::new);

    private final Pool<float[]> floats = new Pool<>(a -> a.length);
    private final Pool<byte[]> bytes = new Pool<>(a -> a.length);
    /** Open scopes on this thread; the outermost recycles fully at its close. */
    private int depth;

    /**
     * Arrays of one element type by exact length: per length those waiting and whether this step asked for it
     * (a flag on the length's slot: a set of asked lengths boxed and hashed each request, 2.5% of packed
     * inference's samples); and those lent this step.
     */
    private static final class Pool<A> {
        private final ToIntFunction<A> length;
        private final Map<Integer, Slot<A>> free = new HashMap<>();
        private final List<A> lent = new ArrayList<>();

        /** One length's waiting arrays, and whether the current outermost step asked for that length. */
        private static final class Slot<A> {
            final ArrayDeque<A> waiting = new ArrayDeque<>();
            boolean asked;
        }

        Pool(ToIntFunction<A> length) {
            this.length = length;
        }

        /** A waiting array of n elements, or null; what the caller returns is lent with {@link #lend}. */
        A reuse(int n) {
            Slot<A> slot = free.get(n);
            if (slot == null) free.put(n, slot = new Slot<>());
            slot.asked = true;
            return slot.waiting.poll();
        }

        A lend(A array) {
            lent.add(array);
            return array;
        }

        /** Takes back what was lent; drops the lengths this step did not ask for. */
        void recycle() {
            free.values().removeIf(slot -> !slot.asked);
            recycleFrom(0);
            for (Slot<A> slot : free.values()) slot.asked = false;
        }

        /** Takes back what was lent after the first `from` arrays (an inner scope's). */
        void recycleFrom(int from) {
            List<A> since = lent.subList(from, lent.size());
            for (A a : since) free.computeIfAbsent(length.applyAsInt(a), n -> new Slot<>()).waiting.push(a);
            since.clear();
        }
    }

    private StepArena() {}

    /** Opens a scope of the calling thread's arena: a step, or a task inside one (see the class comment). */
    public static Scope open() {
        StepArena a = ARENAS.get();
        Scope scope = new Scope(a, a.depth, a.floats.lent.size(), a.bytes.lent.size());
        a.depth++;
        return scope;
    }

    /** One open scope; closing it returns what was lent since it opened (closing it again does nothing). */
    public static final class Scope implements AutoCloseable {
        private final StepArena arena;
        private final int depth, floatsLent, bytesLent;
        private boolean closed;

        private Scope(StepArena arena, int depth, int floatsLent, int bytesLent) {
            this.arena = arena;
            this.depth = depth;
            this.floatsLent = floatsLent;
            this.bytesLent = bytesLent;
        }

        /** Returns every array lent since this scope opened for the next step (or task) to reuse. */
        @Override
        public void close() {
            if (closed) return;
            if (arena.depth != depth + 1) throw new IllegalStateException("step arena scopes must close innermost first");
            closed = true;
            arena.depth = depth;
            if (depth > 0) {
                arena.floats.recycleFrom(floatsLent);
                arena.bytes.recycleFrom(bytesLent);
            } else {
                arena.floats.recycle();
                arena.bytes.recycle();
            }
        }
    }

    /** A zeroed array of n floats (for kernels that accumulate into it). */
    public static float[] zeros(int n) {
        return take(n, true);
    }

    /**
     * An array of n floats that the caller overwrites entirely before anything reads it: inside
     * an open arena it may still hold an earlier step's values.
     */
    public static float[] overwritten(int n) {
        return take(n, false);
    }

    /**
     * An array of n bytes (activation codes) that the caller overwrites entirely before anything
     * reads it: inside an open arena it may still hold an earlier step's codes.
     */
    public static byte[] overwrittenBytes(int n) {
        if (n < MIN_FLOATS) return new byte[n];
        StepArena a = ARENAS.get();
        if (a.depth == 0) return new byte[n];
        byte[] b = a.bytes.reuse(n);
        return a.bytes.lend(b == null ? new byte[n] : b);
    }

    /** Floats waiting in the calling thread's pool (for tests and diagnostics). */
    public static long pooledFloats() {
        long sum = 0;
        for (Pool.Slot<float[]> slot : ARENAS.get().floats.free.values()) for (float[] f : slot.waiting) sum += f.length;
        return sum;
    }

    private static float[] take(int n, boolean zero) {
        if (n < MIN_FLOATS) return new float[n];
        StepArena a = ARENAS.get();
        if (a.depth == 0) return new float[n];
        float[] f = a.floats.reuse(n);
        if (f == null) f = new float[n];
        else if (zero) Arrays.fill(f, 0f);
        return a.floats.lend(f);
    }
}
