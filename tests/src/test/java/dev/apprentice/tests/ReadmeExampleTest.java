package dev.apprentice.tests;

import dev.apprentice.distill.cli.Cli;
import dev.apprentice.distill.data.FashionMnist;
import dev.apprentice.distill.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.tools.ToolProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's "Use it from Java" example, compiled from the README's text against the modules and run
 * in its own JVM on a model that `train` wrote and an image of the test set: it cannot rot.
 */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theReadmesJavaExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Use it from Java");
        assertTrue(section >= 0, "README has a 'Use it from Java' section");
        int start = readme.indexOf("```java\n", section) + "```java\n".length(), end = readme.indexOf("```", start);
        Path src = Files.createDirectories(tmp.resolve("src")).resolve("ReadmeExample.java"), classes = Files.createDirectories(tmp.resolve("classes"));
        Files.writeString(src, readme.substring(start, end));
        String cp = System.getProperty("java.class.path");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics,
                "--add-modules", "jdk.incubator.vector", "-cp", cp, "-d", classes.toString(), src.toString());
        assertEquals(0, compiled, diagnostics.toString());

        Path run = tmp.resolve("run");
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            assertEquals(0, Cli.run("train", "--scheme", "none", "--precision", "a8w2", "--model", "resnet8", "--width", "0.25", "--epochs", "1",
                    "--out", run.toString(), "--quiet"));
        } finally {
            System.setOut(out);
        }
        ImageSet test = FashionMnist.embedded().test();
        BufferedImage img = new BufferedImage(test.width(), test.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < test.height(); y++)
            for (int x = 0; x < test.width(); x++) img.getRaster().setSample(x, y, 0, test.pixels()[y * test.width() + x] & 0xff);
        Path png = tmp.resolve("image.png");
        ImageIO.write(img, "png", png.toFile());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", classes + File.pathSeparator + cp, "ReadmeExample",
                run.resolve("model.packed.safetensors").toString(), png.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        assertTrue(log.contains("logits of shape [2, 10]"), log);
        assertTrue(log.matches("(?s).*resnet8\\S* a8w2 \\(packed: true\\): class \\d, \\d+\\.\\d%.*"), log);
    }
}
