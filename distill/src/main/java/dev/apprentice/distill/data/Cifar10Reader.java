package dev.apprentice.distill.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CIFAR-10 binary batches: records of 1 label byte and 3×32×32 pixel bytes (RGB planes). */
public final class Cifar10Reader {
    public static final String[] CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    private static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10Reader() {}

    /** Reads and concatenates the given batch files. */
    public static ImageSet read(String name, List<Path> files) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        int n = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new DataException("CIFAR-10 batch " + f + " not found");
            byte[] b = Files.readAllBytes(f);
            if (b.length == 0 || b.length % RECORD != 0)
                throw new DataException("CIFAR-10 batch " + f + " has " + b.length + " bytes, not a multiple of the " + RECORD + "-byte record (truncated or not a CIFAR-10 binary batch)");
            parts.add(b);
            n += b.length / RECORD;
        }
        byte[] px = new byte[n * (RECORD - 1)];
        int[] labels = new int[n];
        int i = 0;
        for (byte[] b : parts) {
            for (int r = 0; r < b.length / RECORD; r++, i++) {
                labels[i] = b[r * RECORD] & 0xff;
                if (labels[i] >= CLASSES.length) throw new DataException("CIFAR-10 record " + i + " has label " + labels[i]);
                System.arraycopy(b, r * RECORD + 1, px, i * (RECORD - 1), RECORD - 1);
            }
        }
        return new ImageSet(name, px, labels, 3, 32, 32, CLASSES);
    }
}
