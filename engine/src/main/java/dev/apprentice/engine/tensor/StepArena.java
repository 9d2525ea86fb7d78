package dev.apprentice.engine.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reuses the large arrays of one training step in the next. A step allocates the same
 * activations and gradients every time (hundreds of MB for ResNet-20 at batch 128); fresh arrays
 * cost the JVM a zeroing pass each and young collections that copy whatever activations are live
 * when they strike. Inside an open arena the ops take their outputs and intermediate gradients
 * from arrays the previous step lent, returned when the step's arena closes.
 *
 * <p>The contract, kept by whoever opens it (the trainer, the step benchmark): no tensor made
 * inside the scope, nor its data, is used after {@link #close()}; read what must outlive the step
 * (the loss value, accuracy counts) before closing, or {@link Tensor#copy()} it. Parameters and
 * their gradients never come from the arena (leaf gradients persist across steps), nor does
 * anything allocated outside an open scope or on another thread.
 *
 * <p>Arrays are pooled by exact length; a length no step asked for is dropped at close, so a
 * changed batch size (an epoch's last, partial batch) does not pin the old arrays.
 */
public final class StepArena implements AutoCloseable {
    /** Arrays shorter than this (in elements) are left to the allocator: cheap, and not worth the bookkeeping. */
    static final int MIN_FLOATS = 1 << 14;

    private static final ThreadLocal<StepArena> ARENAS = ThreadLocal.withInitial(StepArena::new);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final List<float[]> lent = new ArrayList<>();
    private final Set<Integer> asked = new HashSet<>();
    private final Map<Integer, ArrayDeque<byte[]>> freeBytes = new HashMap<>();
    private final List<byte[]> lentBytes = new ArrayList<>();
    private final Set<Integer> askedBytes = new HashSet<>();
    private boolean open;

    private StepArena() {}

    /** Opens the calling thread's arena for one step (scopes do not nest). */
    public static StepArena open() {
        StepArena a = ARENAS.get();
        if (a.open) throw new IllegalStateException("a step arena is already open on this thread; close it first (scopes do not nest)");
        a.open = true;
        return a;
    }

    /** Returns every array lent since {@link #open()} for the next step to reuse. */
    @Override
    public void close() {
        if (!open) return;
        open = false;
        free.keySet().retainAll(asked);
        for (float[] f : lent) free.computeIfAbsent(f.length, n -> new ArrayDeque<>()).push(f);
        lent.clear();
        asked.clear();
        freeBytes.keySet().retainAll(askedBytes);
        for (byte[] b : lentBytes) freeBytes.computeIfAbsent(b.length, n -> new ArrayDeque<>()).push(b);
        lentBytes.clear();
        askedBytes.clear();
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
        if (!a.open) return new byte[n];
        a.askedBytes.add(n);
        ArrayDeque<byte[]> q = a.freeBytes.get(n);
        byte[] b = q == null ? null : q.poll();
        if (b == null) b = new byte[n];
        a.lentBytes.add(b);
        return b;
    }

    /** Floats waiting in the calling thread's pool (for tests and diagnostics). */
    public static long pooledFloats() {
        long sum = 0;
        for (ArrayDeque<float[]> q : ARENAS.get().free.values()) for (float[] f : q) sum += f.length;
        return sum;
    }

    private static float[] take(int n, boolean zero) {
        if (n < MIN_FLOATS) return new float[n];
        StepArena a = ARENAS.get();
        if (!a.open) return new float[n];
        a.asked.add(n);
        ArrayDeque<float[]> q = a.free.get(n);
        float[] f = q == null ? null : q.poll();
        if (f == null) f = new float[n];
        else if (zero) Arrays.fill(f, 0f);
        a.lent.add(f);
        return f;
    }
}
