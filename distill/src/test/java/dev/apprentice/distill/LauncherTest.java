package dev.apprentice.distill;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JVM options the launcher gives the Java 25 it starts. */
class LauncherTest {
    @Test
    void addsTheParallelCollectorUnlessOneIsChosen() {
        assertEquals(List.of("-Xmx8g", "-XX:+UseParallelGC"), Launcher.jvmOptions(List.of("-Xmx8g")));
        assertEquals(List.of("-XX:+UseParallelGC"), Launcher.jvmOptions(List.of()));
        assertEquals(List.of("-XX:+UseG1GC", "-Xmx2g"), Launcher.jvmOptions(List.of("-XX:+UseG1GC", "-Xmx2g")));
        assertEquals(List.of("-XX:+UseZGC"), Launcher.jvmOptions(List.of("-XX:+UseZGC")));
        assertEquals(List.of("-XX:-UseParallelGC"), Launcher.jvmOptions(List.of("-XX:-UseParallelGC")));
    }

    @Test
    void dropsTheClassPathAndModuleOptionsItSetsItself() {
        assertEquals(List.of("-Dfoo=bar", "-XX:+UseParallelGC"),
                Launcher.jvmOptions(List.of("-Djava.class.path=x.jar", "--add-modules=jdk.incubator.vector", "-Dfoo=bar")));
    }
}
