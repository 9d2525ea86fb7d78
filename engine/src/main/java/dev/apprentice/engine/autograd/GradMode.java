package dev.apprentice.engine.autograd;

/**
 * Whether ops record a graph on this thread. {@code try (var s = GradMode.off()) { ... }} runs
 * inference or a frozen teacher without building a graph (no memory kept for backward).
 */
public final class GradMode {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    private GradMode() {}

    public static boolean enabled() {
        return DISABLED.get()[0] == 0;
    }

    /** Disables graph recording until the returned scope is closed (scopes nest). */
    public static Scope off() {
        int[] depth = DISABLED.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    /** A scope that restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
