package dev.apprentice.distill;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    public static void main(String[] args) throws Exception {
        if (Runtime.version().feature() >= REQUIRED && ModuleLayer.boot().findModule(VECTOR).isPresent()) {
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
        cmd.add(jarPath());
        cmd.add(CLI);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
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
        boolean collectorChosen = false;
        for (String a : inherited) {
            if (a.startsWith("-Djava.class.path") || a.startsWith("--add-modules")) continue;
            if (a.matches("-XX:[+-]Use\\w*GC")) collectorChosen = true;
            out.add(a);
        }
        if (!collectorChosen) out.add("-XX:+UseParallelGC");
        return out;
    }

    private static String jarPath() throws Exception {
        return Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

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
