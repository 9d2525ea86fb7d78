package dev.apprentice.distill.cli;

/**
 * Ends this JVM when the process that launched it ends. `java -jar apprentice-engine.jar` starts
 * this worker JVM as a child (for the Vector API module); a `kill -9` of the launcher must not leave
 * the worker training and writing its run directory. The launcher passes its process id in the
 * system property {@code apprentice.launcher.pid} (Launcher.PARENT_PID, compiled for Java 17 apart
 * from this code, so the name is spelled in both).
 */
final class LauncherWatch {
    static final String PARENT_PID = "apprentice.launcher.pid";
    /** The exit status of a process killed by SIGKILL (128 + 9), which is what became of its launcher. */
    private static final int KILLED = 137;

    private LauncherWatch() {}

    /** Starts watching the launcher, if this JVM has one; a launcher already gone ends it at once. */
    static void start() {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null) return;
        long id;
        try {
            id = Long.parseLong(pid.strip());
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(id).ifPresentOrElse(h -> h.onExit().thenRun(LauncherWatch::end), LauncherWatch::end);
    }

    private static void end() {
        System.err.println("error: the launching process ended; stopping (a checkpointed run continues with --resume)");
        Runtime.getRuntime().halt(KILLED); 
    }
}
