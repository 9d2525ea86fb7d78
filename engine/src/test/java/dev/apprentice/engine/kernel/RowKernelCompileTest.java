package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The unrolled row kernels ({@link ShortRowKernel}, {@link FloatRowKernel}) sit just under C1's limits: a slightly
 * larger one makes C1 give up ("out of virtual registers in linear scan"), and the kernel then runs as boxed
 * vectors in a lower tier, about 100 times slower, until C2 compiles it, which in a whole network did not happen
 * within 10 s. No result changes, so only this test sees it: every kernel the dispatchers reach runs for 6 s (long
 * enough for the JIT to take up most of them, even on a loaded machine), and no compilation of a row-kernel method
 * may fail (JFR's compilation events).
 */
class RowKernelCompileTest {

    @Test
    void everyKernelCompilesWithoutBailingOut() throws Exception {
        // a kernel compiles once it has run enough; within a few seconds on a loaded two-core machine most, not all, do
        assumeTrue(VectorWidth.VECTOR, "the scalar twins run where no vector code is compiled");
        Random rng = new Random(5);
        List<Runnable> calls = new ArrayList<>();
        int ch = 16, flush = 85;
        for (int outChannels : new int[] {ShortRowKernel.LANES, 2 * ShortRowKernel.LANES})
            for (int outWidth : new int[] {7, 8, 14}) {
                int tiles = ShortRowKernel.tiles(outChannels), width = tiles * ShortRowKernel.LANES, inWidth = 2 * outWidth + 3;
                short[] q = ShortRowKernel.layOut(codes(rng, outChannels * 9 * ch), outChannels, ch);
                short[] x = new short[(3 * inWidth + 2 * 16) * ch];
                for (int i = 0; i < x.length; i++) x[i] = (short) (rng.nextInt(256) - 128);
                int step = ShortRowKernel.rowStep(tiles, outWidth), rowPixels = (outWidth + step - 1) / step * step;
                int[] sums = new int[rowPixels * width];
                calls.add(() -> ShortRowKernel.row(q, ch, tiles, step, x, 0, inWidth * ch, rowPixels, flush, sums, 0, width));
                int step2 = ShortRowKernel.strideTwoStep(outWidth), rowPixels2 = (outWidth + step2 - 1) / step2 * step2;
                int[] sums2 = new int[rowPixels2 * width];
                calls.add(() -> ShortRowKernel.rowStrideTwo(q, ch, tiles, step2, x, 0, inWidth * ch, rowPixels2, flush, sums2, 0, width));
            }
        for (int outWidth : new int[] {7, 8, 14}) {
            int outChannels = ShortRowKernel.PAIRED_CHANNELS, tiles = ShortRowKernel.pairedTiles(outChannels);
            int width = tiles * ShortRowKernel.PAIRED_CHANNELS, inWidth = outWidth + 2;
            short[] q = ShortRowKernel.layOutPaired(codes(rng, outChannels * 9 * ch), outChannels, ch);
            int[] x = new int[(3 * inWidth + 16) * ch];
            for (int i = 0; i < x.length; i++) x[i] = ShortRowKernel.pair(rng.nextInt(256) - 128, rng.nextInt(256) - 128);
            int step = ShortRowKernel.rowStep(1, outWidth), rowPixels = (outWidth + step - 1) / step * step, second = rowPixels * width;
            int[] sums = new int[2 * second];
            calls.add(() -> ShortRowKernel.pairedRow(q, ch, tiles, step, x, 0, inWidth * ch, rowPixels, flush, sums, 0, width, second));
        }

        for (int outChannels : new int[] {FloatRowKernel.LANES, 2 * FloatRowKernel.LANES, 4 * FloatRowKernel.LANES})
            for (int outWidth : new int[] {7, 8, 14, 16}) {
                int tiles = outChannels / FloatRowKernel.LANES, width = outChannels, inWidth = 2 * outWidth + 3, taps = 9;
                float[] q = new float[tiles * taps * ch * FloatRowKernel.LANES];
                for (int i = 0; i < q.length; i++) q[i] = rng.nextFloat() - 0.5f;
                float[] x = new float[(3 * inWidth + 2 * 16) * ch];
                for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
                int step = FloatRowKernel.rowStep(tiles, outWidth), rowPixels = (outWidth + step - 1) / step * step;
                float[] sums = new float[rowPixels * width];
                calls.add(() -> FloatRowKernel.row(q, ch, taps, tiles, step, x, 0, inWidth * ch, rowPixels, sums, 0, width));
                int step2 = FloatRowKernel.strideTwoStep(outWidth), rowPixels2 = (outWidth + step2 - 1) / step2 * step2;
                float[] sums2 = new float[rowPixels2 * width];
                calls.add(() -> FloatRowKernel.rowStrideTwo(q, ch, taps, tiles, step2, x, 0, inWidth * ch, rowPixels2, sums2, 0, width));
            }

        Path file = Files.createTempFile("kernel-compiles", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
            recording.enable("jdk.CompilationFailure");
            recording.start();
            long until = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < until)
                for (Runnable call : calls)
                    for (int i = 0; i < 50; i++) call.run();
            recording.stop();
            recording.dump(file);
        }
        Map<Long, String> methods = new HashMap<>();
        List<RecordedEvent> failures = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals("jdk.Compilation"))
                methods.put(e.getLong("compileId"), e.getValue("method.type.name") + "." + e.getValue("method.name"));
            else failures.add(e);
        }
        Files.delete(file);
        Set<String> kernelCompiles = new TreeSet<>(), failed = new TreeSet<>();
        for (String m : methods.values()) if (m.contains("RowKernel.")) kernelCompiles.add(m);
        for (RecordedEvent f : failures) {
            String m = methods.getOrDefault(f.getLong("compileId"), "");
            if (m.contains("RowKernel.")) failed.add(m + ": " + f.getString("failureMessage"));
        }
        assertTrue(failed.isEmpty(), "kernel compilations failed: " + failed);
        // which kernels the JIT reaches within the run depends on the machine's load: at least one of each family
        for (String family : new String[] {"ShortRowKernel.", "FloatRowKernel."})
            assertTrue(kernelCompiles.stream().anyMatch(m -> m.contains(family) && !m.endsWith(".row") && !m.endsWith(".rowStrideTwo") && !m.endsWith(".pairedRow")),
                    "the JIT compiled unrolled " + family + " kernels during the test: " + kernelCompiles);
    }

    private static int[] codes(Random rng, int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) c[i] = rng.nextInt(3) - 1;
        return c;
    }
}
