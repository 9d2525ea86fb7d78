package dev.apprentice.distill.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataReadersTest {
    @TempDir
    Path tmp;

    @Test
    void embeddedSubsetIsStratified() throws IOException {
        Splits s = FashionMnist.embedded();
        assertEquals(6000, s.train().size());
        assertEquals(1000, s.test().size());
        int[] perClass = new int[10];
        for (int y : s.train().labels()) perClass[y]++;
        int[] expected = new int[10];
        Arrays.fill(expected, 600);
        assertArrayEquals(expected, perClass);
        assertEquals(28, s.train().height());
        assertTrue(s.source().contains("embedded"));
    }

    private static byte[] idxImages(int n, int h, int w, byte fill) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * h * w).putInt(2051).putInt(n).putInt(h).putInt(w);
        for (int i = 0; i < n * h * w; i++) b.put((byte) (fill + i));
        return b.array();
    }

    private static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length).putInt(2049).putInt(labels.length);
        for (int l : labels) b.put((byte) l);
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var g = new GZIPOutputStream(out)) {
            g.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void idxReadsRawAndGzippedAlike() throws IOException {
        byte[] img = idxImages(3, 2, 2, (byte) 0), lab = idxLabels(1, 0, 9);
        ImageSet raw = IdxReader.read("raw", new ByteArrayInputStream(img), new ByteArrayInputStream(lab), FashionMnist.CLASSES);
        ImageSet gz = IdxReader.read("gz", new ByteArrayInputStream(gzip(img)), new ByteArrayInputStream(gzip(lab)), FashionMnist.CLASSES);
        assertArrayEquals(raw.pixels(), gz.pixels());
        assertArrayEquals(new int[] {1, 0, 9}, gz.labels());
        assertEquals(5, raw.pixels()[5]);
    }

    @Test
    void idxRejectsTruncationBadMagicAndBadLabels() {
        byte[] img = idxImages(3, 2, 2, (byte) 0), lab = idxLabels(1, 0, 9);
        var cut = assertThrows(DataException.class, () -> IdxReader.read("t", new ByteArrayInputStream(Arrays.copyOf(img, img.length - 1)),
                new ByteArrayInputStream(lab), FashionMnist.CLASSES));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        assertThrows(DataException.class, () -> IdxReader.read("t", new ByteArrayInputStream(lab), new ByteArrayInputStream(lab), FashionMnist.CLASSES));
        assertThrows(DataException.class, () -> IdxReader.read("t", new ByteArrayInputStream(img), new ByteArrayInputStream(idxLabels(1, 0)), FashionMnist.CLASSES));
        assertThrows(DataException.class, () -> IdxReader.read("t", new ByteArrayInputStream(img), new ByteArrayInputStream(idxLabels(1, 0, 10)), FashionMnist.CLASSES));
        byte[] hugeHeader = ByteBuffer.allocate(16).putInt(2051).putInt(3).putInt(1 << 20).putInt(1 << 20).array();
        assertThrows(DataException.class, () -> IdxReader.read("t", new ByteArrayInputStream(hugeHeader), new ByteArrayInputStream(lab), FashionMnist.CLASSES));
    }

    @Test
    void cifarBatchesAndTruncation() throws IOException {
        byte[] rec = new byte[2 * 3073];
        rec[0] = 3;
        rec[1] = 42;
        rec[3073] = 9;
        rec[3073 + 1 + 1024] = 7; // green plane of the second image
        Path f = tmp.resolve("data_batch_1.bin");
        Files.write(f, rec);
        ImageSet s = Cifar10Reader.read("c", List.of(f));
        assertArrayEquals(new int[] {3, 9}, s.labels());
        assertEquals(42, s.pixels()[0]);
        assertEquals(7, s.pixels()[3072 + 1024]);
        Files.write(f, Arrays.copyOf(rec, rec.length - 5));
        assertThrows(DataException.class, () -> Cifar10Reader.read("c", List.of(f)));
    }

    @Test
    void imageFolderReadsClassesInNameOrder() throws IOException {
        for (String cls : new String[] {"cat", "ant"}) {
            Files.createDirectories(tmp.resolve(cls));
            BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSample(1, 2, 0, cls.equals("cat") ? 200 : 10);
            ImageIO.write(img, "png", tmp.resolve(cls).resolve("a.png").toFile());
        }
        ImageSet s = ImageFolderReader.read("f", tmp);
        assertArrayEquals(new String[] {"ant", "cat"}, s.classNames());
        assertEquals(1, s.channels());
        assertEquals(3, s.height());
        assertEquals(10, s.pixels()[2 * 4 + 1]);
        assertEquals(200, s.pixels()[12 + 2 * 4 + 1] & 0xff);
        Files.writeString(tmp.resolve("cat").resolve("broken.png"), "not a png");
        assertThrows(DataException.class, () -> ImageFolderReader.read("f", tmp));
    }

    @Test
    void sixteenBitGrayPngsReadAsGrayAndAStrayColourImageIsNamed() throws IOException {
        Path root = tmp.resolve("gray16");
        for (String cls : new String[] {"a", "b"}) {
            Files.createDirectories(root.resolve(cls));
            for (int i = 0; i < 2; i++) {
                BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
                img.getRaster().setSample(1, 2, 0, cls.equals("a") ? 65535 : 257 * 100 + 120); // 255, and 100.47 of 255
                ImageIO.write(img, "png", root.resolve(cls).resolve(i + ".png").toFile());
            }
        }
        ImageSet s = ImageFolderReader.read("g", root);
        assertEquals(1, s.channels(), "16-bit gray is gray");
        assertEquals(255, s.pixels()[2 * 4 + 1] & 0xff);
        assertEquals(100, s.pixels()[2 * 12 + 2 * 4 + 1] & 0xff);
        assertEquals(0, s.pixels()[0], "black stays black (no sRGB conversion)");

        BufferedImage colour = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(colour, "png", root.resolve("b").resolve("odd.png").toFile());
        var e = assertThrows(DataException.class, () -> ImageFolderReader.read("g", root));
        assertTrue(e.getMessage().contains("odd.png is in colour") && e.getMessage().contains("4 of the 5 images"), e.getMessage());

        // a few gray images among colour ones are read as RGB, the gray value in every plane
        for (int i = 0; i < 5; i++) ImageIO.write(colour, "png", root.resolve("a").resolve("c" + i + ".png").toFile());
        ImageSet rgb = ImageFolderReader.read("g", root);
        assertEquals(3, rgb.channels());
        int plane = 12, image = 3 * plane;
        for (int c = 0; c < 3; c++) assertEquals(255, rgb.pixels()[c * plane + 2 * 4 + 1] & 0xff, "plane " + c);
        assertEquals(10, rgb.labels().length);
        assertEquals(0, rgb.pixels()[image] & 0xff);
    }

    @Test
    void unknownDirectoryLayoutIsExplained() throws IOException {
        var e = assertThrows(DataException.class, () -> DataSources.resolve(tmp.toString()));
        assertTrue(e.getMessage().contains("holds no dataset"), e.getMessage());
        var e2 = assertThrows(DataException.class, () -> DataSources.resolve(tmp.resolve("missing").toString()));
        assertTrue(e2.getMessage().contains("not found"), e2.getMessage());
    }
}
