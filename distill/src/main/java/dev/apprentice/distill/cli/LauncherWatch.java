package dev.apprentice.distill.cli;

/**
 * What the launcher hands the worker JVM it starts: its arguments when the locale would mangle them,
 * and its process id. Ends this JVM when the process that launched it ends. `java -jar apprentice-engine.jar` starts
 * this worker JVM as a child (for the Vector API module); a `kill -9` of the launcher must not leave
 * the worker training and writing its run directory. The launcher passes its process id in the
 * system property {@code apprentice.launcher.pid} (Launcher.PARENT_PID, compiled for Java 17 apart
 * from this code, so the name is spelled in both).
 */
final class LauncherWatch {
    static final String PARENT_PID = "apprentice.launcher.pid";
    /** Launcher.ARGUMENTS: the arguments as base64 of their UTF-8 bytes, each ended by NUL, under a locale that would mangle them. */
    static final String ARGUMENTS = "apprentice.launcher.args";
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

    /** The command line's arguments: args, or those the launcher passed in {@link #ARGUMENTS}. */
    static String[] arguments(String[] args) {
        String encoded = System.getProperty(ARGUMENTS);
        if (encoded == null) return args;
        byte[] all = java.util.Base64.getDecoder().decode(encoded);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int start = 0, i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                out.add(new String(all, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out.toArray(String[]::new);
    }
}
