package dev.apprentice.distill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import static java.nio.charset.StandardCharsets.UTF_8;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM options the launcher gives the Java 25 it starts. */
class LauncherTest {
    @Test
    void addsTheParallelCollectorUnlessOneIsChosen() {
        String loops1 = Launcher.LOOP_OPTIONS.get(0), loops2 = Launcher.LOOP_OPTIONS.get(1);
        assertEquals(List.of("-Xmx8g", "-XX:+UseParallelGC", loops1, loops2), Launcher.jvmOptions(List.of("-Xmx8g")));
        assertEquals(List.of("-XX:+UseParallelGC", loops1, loops2), Launcher.jvmOptions(List.of()));
        assertEquals(List.of("-XX:+UseG1GC", "-Xmx2g", loops1, loops2), Launcher.jvmOptions(List.of("-XX:+UseG1GC", "-Xmx2g")));
        assertEquals(List.of("-XX:+UseZGC", loops1, loops2), Launcher.jvmOptions(List.of("-XX:+UseZGC")));
        assertEquals(List.of("-XX:-UseParallelGC", loops1, loops2), Launcher.jvmOptions(List.of("-XX:-UseParallelGC")));
    }

    @Test
    void addsLoopStripMiningUnlessTheUserSetsIt() {
        assertEquals(List.of("-XX:-UseCountedLoopSafepoints", "-XX:+UseParallelGC"), Launcher.jvmOptions(List.of("-XX:-UseCountedLoopSafepoints")));
        assertEquals(List.of("-XX:LoopStripMiningIter=0", "-XX:+UseParallelGC"), Launcher.jvmOptions(List.of("-XX:LoopStripMiningIter=0")));
    }

    @Test
    void dropsTheClassPathAndModuleOptionsItSetsItself() {
        assertEquals(List.of("-Dfoo=bar", "-XX:+UseParallelGC", Launcher.LOOP_OPTIONS.get(0), Launcher.LOOP_OPTIONS.get(1)),
                Launcher.jvmOptions(List.of("-Djava.class.path=x.jar", "--add-modules=jdk.incubator.vector", "-Dfoo=bar")));
    }
    /**
     * `kill -9` of the process a user started (the launcher) ends the worker JVM it started too: the
     * worker watches its launcher. Started here on a Java 25 without the Vector API module, so the
     * launcher relaunches as under `java -jar`.
     */
    @Test
    void killingTheLauncherEndsTheTrainerItStarted(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process launcher = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.apprentice.distill.Launcher",
                "train", "--scheme", "none", "--precision", "fp32", "--model", "resnet8", "--epochs", "50", "--threads", "1",
                "--out", tmp.resolve("run").toString(), "--quiet").redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        ProcessHandle worker = null;
        for (int i = 0; i < 600 && worker == null; i++) { // up to a minute for the worker to start training
            Thread.sleep(100);
            if (Files.exists(tmp.resolve("run").resolve(".lock"))) worker = launcher.children().findFirst().orElse(null);
            assertTrue(launcher.isAlive(), () -> "the launcher ended early: " + read(tmp.resolve("log")));
        }
        assertNotNull(worker, "no worker JVM started training");
        launcher.destroyForcibly(); // SIGKILL
        launcher.waitFor();
        assertTrue(worker.onExit().get(20, TimeUnit.SECONDS) != null && !worker.isAlive(), "the worker outlived its launcher");
    }

    /**
     * Under LC_ALL=C a JVM reads non-ASCII arguments as '?': the launcher recovers them and starts the
     * worker under a UTF-8 locale; a Java 25 started directly that way is refused with a message. The
     * commands run from a shell script whose bytes are UTF-8, since this JVM's locale may itself turn the
     * arguments it passes into '?'.
     */
    @Test
    void nonAsciiPathsSurviveACLocale(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(), cp = System.getProperty("java.class.path");
        String name = "naïve-模型.safetensors", missing = tmp.resolve(name).toString();
        assertEquals(2, sh(tmp, "exec '" + java + "' -cp '" + cp + "' dev.apprentice.distill.Launcher eval '" + missing + "'"));
        String out = Files.readString(tmp.resolve("out"), UTF_8);
        assertTrue(out.contains(name) && out.contains("not found"), out);

        assertEquals(2, sh(tmp, "exec '" + java + "' --add-modules jdk.incubator.vector -cp '" + cp + "' dev.apprentice.distill.Launcher eval '" + missing + "'"));
        out = Files.readString(tmp.resolve("out"), UTF_8);
        assertTrue(out.contains("run with LC_ALL=C.UTF-8"), out);
    }

    /** Runs command with sh under LC_ALL=C, output to tmp/out; the exit status. */
    private static int sh(Path tmp, String command) throws Exception {
        Path script = tmp.resolve("run.sh");
        Files.write(script, ("export LC_ALL=C; unset LANG LC_CTYPE; " + command + " > '" + tmp.resolve("out") + "' 2>&1\n").getBytes(UTF_8));
        return new ProcessBuilder("sh", script.toString()).start().waitFor();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
