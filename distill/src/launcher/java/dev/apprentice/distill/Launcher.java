package dev.apprentice.distill;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Entry point of apprentice-engine.jar, compiled for Java 17 so that a plain `java -jar` works
 * whatever the default java is: when this JVM is Java 25+ with the Vector API module loaded, it
 * runs the CLI directly; otherwise it starts a Java 25 (this one, JAVA_HOME, or one under
 * /usr/lib/jvm) with `--add-modules jdk.incubator.vector`, the parallel collector (see
 * {@link #jvmOptions}) and the same arguments.
 */
public final class Launcher {
    private static final String CLI = "dev.apprentice.distill.cli.Cli";
    private static final String VECTOR = "jdk.incubator.vector";
    private static final int REQUIRED = 25;

    private Launcher() {}

    /** The system property through which the worker JVM learns this process's id, to end with it. */
    public static final String PARENT_PID = "apprentice.launcher.pid";
    /** The system property that carries the arguments, base64 of their UTF-8 bytes each ended by NUL, when the locale cannot. */
    public static final String ARGUMENTS = "apprentice.launcher.args";

    public static void main(String[] args) throws Exception {
        boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
        if (Runtime.version().feature() >= REQUIRED && ModuleLayer.boot().findModule(VECTOR).isPresent()) {
            if (!utf8 && rawArguments(args.length) != null && !isAscii(rawArguments(args.length))) {
                System.err.println("error: non-ASCII arguments under a locale that is not UTF-8 (" + System.getProperty("sun.jnu.encoding")
                        + ") would reach Java as '?': run with LC_ALL=C.UTF-8");
                System.exit(2);
            }
            Class.forName(CLI).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        String java = findJava();
        if (java == null) {
            System.err.println("error: apprentice-engine needs Java " + REQUIRED + " or later, this is Java " + Runtime.version().feature()
                    + ". Install a JDK " + REQUIRED + " (e.g. Temurin) or point JAVA_HOME at one.");
            System.exit(2);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--add-modules");
        cmd.add(VECTOR);
        cmd.add("--enable-native-access=ALL-UNNAMED"); // the progress bar's terminal library loads a native helper
        cmd.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path")); // the jar under `java -jar`
        cmd.add(CLI);
        // Under LC_ALL=C this JVM read non-ASCII arguments as '?': take them from the kernel's copy,
        // and start the worker under a UTF-8 locale so that it reads them and file names whole.
        // ProcessBuilder would encode them as '?' again, so they travel base64-encoded in a property.
        List<byte[]> raw = utf8 ? null : rawArguments(args.length);
        if (raw != null && !isAscii(raw)) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (byte[] a : raw) {
                joined.write(a, 0, a.length);
                joined.write(0);
            }
            cmd.add(cmd.indexOf(CLI), "-D" + ARGUMENTS + "=" + Base64.getEncoder().encodeToString(joined.toByteArray()));
        } else {
            cmd.addAll(List.of(args));
        }
        cmd.add(cmd.indexOf(CLI), "-D" + PARENT_PID + "=" + ProcessHandle.current().pid());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        if (!utf8) pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        Thread err = new Thread(() -> copyDroppingIncubatorWarning(p.getErrorStream(), System.err), "stderr");
        err.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        int code = p.waitFor();
        err.join();
        System.exit(code);
    }

    /**
     * Options for the Java 25 it starts: heap size and the other options given to this JVM, and the
     * parallel collector unless they choose a collector. A training step allocates its activations
     * and gradients anew (about half a gigabyte for ResNet-20 at batch 128, in arrays of several
     * MB, which G1 allocates as humongous objects); measured on ResNet-20, batch 128, 2 threads,
     * five paired runs: training step median +15% and inference +9% with the parallel collector.
     */
    static List<String> jvmOptions(List<String> inherited) {
        List<String> out = new ArrayList<>();
        boolean collectorChosen = false, loopsChosen = false;
        for (String a : inherited) {
            if (a.startsWith("-Djava.class.path") || a.startsWith("--add-modules")) continue;
            if (a.matches("-XX:[+-]Use\\w*GC")) collectorChosen = true;
            if (a.contains("CountedLoopSafepoints") || a.contains("LoopStripMiningIter")) loopsChosen = true;
            out.add(a);
        }
        if (!collectorChosen) out.add("-XX:+UseParallelGC");
        if (!loopsChosen) out.addAll(LOOP_OPTIONS);
        return out;
    }

    /**
     * Loop strip mining, which the JVM turns on only with G1, ZGC and Shenandoah: without it C2
     * schedules the 16-register (AVX2) row kernel's loop so that an accumulator spills to the stack
     * (docs/benchmarks.md, 2026-12-05). Cheap everywhere: one safepoint poll per 1000 iterations.
     */
    static final List<String> LOOP_OPTIONS = List.of("-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000");

    /** A java launcher of version 25+: this JVM's, JAVA_HOME's, or the newest under /usr/lib/jvm. */
    private static String findJava() throws IOException {
        List<Path> homes = new ArrayList<>();
        homes.add(Path.of(System.getProperty("java.home")));
        String env = System.getenv("JAVA_HOME");
        if (env != null && !env.isBlank()) homes.add(Path.of(env));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                s.sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).forEach(homes::add);
            }
        }
        for (Path home : homes) {
            Path bin = home.resolve("bin").resolve(File.separatorChar == '\\' ? "java.exe" : "java");
            if (Files.isExecutable(bin) && releaseVersion(home) >= REQUIRED) return bin.toString();
        }
        return null;
    }

    /** The last n arguments of this process as the kernel holds them (Linux /proc/self/cmdline), or null. */
    private static List<byte[]> rawArguments(int n) {
        try {
            byte[] all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<byte[]> parts = new ArrayList<>();
            for (int start = 0, i = 0; i < all.length; i++) {
                if (all[i] == 0) {
                    parts.add(java.util.Arrays.copyOfRange(all, start, i));
                    start = i + 1;
                }
            }
            return parts.size() < n ? null : new ArrayList<>(parts.subList(parts.size() - n, parts.size()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isAscii(List<byte[]> args) {
        for (byte[] a : args) for (byte b : a) if (b < 0) return false;
        return true;
    }

    /** The feature version from a JDK's `release` file (JAVA_VERSION="25.0.1"), or 0. */
    private static int releaseVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.split("[.+-]")[0];
                    return Integer.parseInt(major.equals("1") ? v.split("\\.")[1] : major);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK we can read
        }
        return 0;
    }

    /** Copies the child's stderr unchanged except for the JVM's incubator-module notice. */
    private static void copyDroppingIncubatorWarning(InputStream in, OutputStream out) {
        try {
            byte[] first = new byte[256];
            int n = 0, b;
            while (n < first.length && (b = in.read()) >= 0) {
                first[n++] = (byte) b;
                if (b == '\n') break;
            }
            String line = new String(first, 0, n);
            if (!line.startsWith("WARNING: Using incubator modules")) {
                out.write(first, 0, n);
            }
            out.flush();
            byte[] buf = new byte[4096];
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the child is gone
        }
    }
}
