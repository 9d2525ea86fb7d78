package dev.apprentice.cudakernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds src/test/cuda/host_check.cpp with the kernels' headers using the host C++ compiler
 * (g++ or c++ on PATH), once per JVM, and runs it on command text. AddressSanitizer and
 * UndefinedBehaviorSanitizer are used when the compiler can link them.
 */
final class HostCheck {
    private static Optional<HostCheck> built;

    final Path binary;
    final boolean sanitized;

    private HostCheck(Path binary, boolean sanitized) {
        this.binary = binary;
        this.sanitized = sanitized;
    }

    /** The built driver, or empty when no C++ compiler is on PATH (the caller skips). */
    static synchronized Optional<HostCheck> get() {
        if (built == null) built = build();
        return built;
    }

    static Optional<String> compiler() {
        for (String name : new String[] {"g++", "c++"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Optional.of(Path.of(dir, name).toString());
            }
        }
        return Optional.empty();
    }

    private static Optional<HostCheck> build() {
        Optional<String> cxx = compiler();
        if (cxx.isEmpty()) return Optional.empty();
        try {
            Path dir = Files.createTempDirectory("ak-host-check");
            dir.toFile().deleteOnExit();
            Path out = dir.resolve("host_check");
            out.toFile().deleteOnExit(); // registered after the folder: deleted before it
            Path root = ModuleFiles.root().toAbsolutePath();
            List<String> base = List.of(cxx.get(), "-std=c++17", "-O1", "-g", "-Wall", "-Wextra",
                    // Java never fuses a * b + c, and neither may the host build of the kernels
                    "-ffp-contract=off", "-fno-strict-aliasing",
                    "-I" + root.resolve("src/main/cuda"), root.resolve("src/test/cuda/host_check.cpp").toString(), "-o", out.toString());
            List<String> sanitized = new ArrayList<>(base);
            sanitized.addAll(2, List.of("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"));
            // some sandboxes refuse AddressSanitizer's shadow memory at run time: smoke-test it first
            if (compile(sanitized) == null && new HostCheck(out, true).runs()) return Optional.of(new HostCheck(out, true));
            String plainError = compile(base);
            if (plainError == null) return Optional.of(new HostCheck(out, false));
            throw new IllegalStateException("the host build of the kernels does not compile:\n" + plainError);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the binary starts and answers a trivial command. */
    private boolean runs() {
        try {
            run("quantize 255 1 0\n");
            return true;
        } catch (AssertionError | RuntimeException e) {
            return false;
        }
    }

    /** Null on success, else the compiler's output. */
    private static String compile(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return p.waitFor() == 0 ? null : log;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the driver on the commands; one int array per output line. Fails on a non-zero exit. */
    List<int[]> run(String commands) {
        try {
            Process p = new ProcessBuilder(binary.toString()).start();
            Path input = Files.createTempFile("ak-host-input", ".txt");
            try {
                Files.writeString(input, commands);
                Thread feeder = Thread.ofVirtual().start(() -> {
                    try (var in = p.getOutputStream()) {
                        Files.copy(input, in);
                    } catch (IOException ignored) {
                        // the process died; its exit code and stderr tell why
                    }
                });
                byte[] stderr;
                String stdout;
                var err = p.getErrorStream();
                var errReader = new java.util.concurrent.FutureTask<>(err::readAllBytes);
                Thread.ofVirtual().start(errReader);
                stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("host_check did not finish in 300 s");
                }
                feeder.join();
                stderr = errReader.get();
                if (p.exitValue() != 0)
                    throw new AssertionError("host_check exited with " + p.exitValue() + ":\n" + new String(stderr, StandardCharsets.UTF_8));
                List<int[]> lines = new ArrayList<>();
                for (String line : stdout.split("\n")) {
                    String t = line.trim();
                    if (t.isEmpty()) {
                        lines.add(new int[0]);
                        continue;
                    }
                    String[] parts = t.split(" ");
                    int[] v = new int[parts.length];
                    for (int i = 0; i < parts.length; i++) v[i] = Integer.parseInt(parts[i]);
                    lines.add(v);
                }
                return lines;
            } finally {
                Files.deleteIfExists(input);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
