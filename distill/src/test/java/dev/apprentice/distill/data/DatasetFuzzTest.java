package dev.apprentice.distill.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged dataset files, as the model-file fuzz test damages models: every case must be refused with a
 * {@link DataException} that says something, or read exactly as the undamaged file. Gzipped IDX files
 * (the embedded subset's test split) get byte flips, truncations and junk; raw IDX files, which have no
 * checksum, get structural damage (truncation, header fields that lie, trailing bytes); CIFAR-10 batches
 * get truncations and label bytes out of range.
 */
class DatasetFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void damagedGzipIdxIsRefusedOrReadExactly() throws IOException {
        byte[] images = resource("t10k-images-idx3-ubyte.gz"), labels = resource("t10k-labels-idx1-ubyte.gz");
        ImageSet original = read(images, labels);
        Random rng = new Random(7);
        int refused = 0;
        for (int i = 0; i < 240; i++) {
            boolean damageImages = i % 2 == 0;
            byte[] d = damage(damageImages ? images : labels, i / 2 % 3, rng);
            if (!readsExactlyOrIsRefused(original, damageImages ? d : images, damageImages ? labels : d, "gzip case " + i)) refused++;
        }
        // flips in the gzip header's time stamp and OS bytes, and junk after the stream, are harmless
        assertTrue(refused > 180, "most damage must be caught: " + refused + " of 240 refused");
    }

    @Test
    void rawIdxWithLyingHeadersIsRefusedOrReadExactly() throws IOException {
        byte[] images = gunzip(resource("t10k-images-idx3-ubyte.gz")), labels = gunzip(resource("t10k-labels-idx1-ubyte.gz"));
        ImageSet original = read(images, labels);
        Random rng = new Random(11);
        int refused = 0;
        for (int i = 0; i < 120; i++) {
            boolean damageImages = i % 2 == 0;
            byte[] d = (damageImages ? images : labels).clone();
            switch (i / 2 % 3) {
                case 0 -> d = Arrays.copyOf(d, rng.nextInt(d.length)); // truncated
                case 1 -> { // a header field (magic, count, rows, columns) rewritten
                    int fields = damageImages ? 4 : 2;
                    ByteBuffer.wrap(d).putInt(4 * rng.nextInt(fields), rng.nextBoolean() ? rng.nextInt() : rng.nextInt(2000));
                }
                default -> d = Arrays.copyOf(d, d.length + 1 + rng.nextInt(100)); // trailing bytes
            }
            if (!readsExactlyOrIsRefused(original, damageImages ? d : images, damageImages ? labels : d, "raw case " + i)) refused++;
        }
        assertTrue(refused >= 110, "structural damage must be caught: " + refused + " of 120 refused");
    }

    @Test
    void damagedCifarBatchesAreRefusedOrReadExactly() throws IOException {
        int record = 1 + 3 * 32 * 32, n = 20;
        byte[] batch = new byte[n * record];
        Random rng = new Random(3);
        rng.nextBytes(batch);
        for (int r = 0; r < n; r++) batch[r * record] = (byte) rng.nextInt(10);
        Path f = tmp.resolve("data_batch_1.bin");
        Files.write(f, batch);
        ImageSet original = Cifar10Reader.read("c", List.of(f));
        for (int i = 0; i < 100; i++) {
            byte[] d = batch.clone();
            if (i % 2 == 0) d = Arrays.copyOf(d, rng.nextInt(d.length)); // truncated: refused unless cut at a record boundary
            else d[rng.nextInt(n) * record] = (byte) (10 + rng.nextInt(246)); // a label out of range
            Files.write(f, d);
            try {
                ImageSet s = Cifar10Reader.read("c", List.of(f));
                int kept = s.labels().length;
                assertTrue(kept < n && d.length == kept * record, "cifar case " + i + ": damaged batch read as " + kept + " images");
                assertArrayEquals(Arrays.copyOf(original.labels(), kept), s.labels(), "cifar case " + i);
            } catch (DataException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "cifar case " + i + ": refusal without a message");
            }
        }
    }

    /** False when refused (with a message); true when read, which must give exactly the original. */
    private static boolean readsExactlyOrIsRefused(ImageSet original, byte[] images, byte[] labels, String what) {
        ImageSet s;
        try {
            s = read(images, labels);
        } catch (DataException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) fail(what + ": refusal without a message");
            return false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": unexpected " + t, t);
        }
        assertArrayEquals(original.pixels(), s.pixels(), what + ": read with different pixels");
        assertArrayEquals(original.labels(), s.labels(), what + ": read with different labels");
        return true;
    }

    private static byte[] damage(byte[] file, int kind, Random rng) {
        byte[] b = file.clone();
        switch (kind) {
            case 0 -> {
                int flips = 1 + rng.nextInt(4);
                for (int j = 0; j < flips; j++) b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
            }
            case 1 -> b = Arrays.copyOf(b, rng.nextInt(b.length));
            default -> { // the 4-byte CRC or length of the trailer, or one byte of the compressed body
                int at = rng.nextBoolean() ? b.length - 1 - rng.nextInt(8) : 10 + rng.nextInt(b.length - 18);
                b[at] ^= (byte) (1 + rng.nextInt(255));
            }
        }
        return b;
    }

    private static ImageSet read(byte[] images, byte[] labels) throws IOException {
        return IdxReader.read("fuzz", new ByteArrayInputStream(images), new ByteArrayInputStream(labels), FashionMnist.CLASSES);
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = DatasetFuzzTest.class.getResourceAsStream("/datasets/fashion-mnist-subset/" + file)) {
            return in.readAllBytes();
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
