package dev.apprentice.distill.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-format IDX files (images: magic 2051, labels: magic 2049), raw or gzipped
 * (detected from the stream's first bytes, not the file name).
 */
public final class IdxReader {
    private static final int IMAGES_MAGIC = 0x803, LABELS_MAGIC = 0x801;
    /** Guards against allocating gigabytes for a corrupt header. */
    private static final long MAX_BYTES = 1L << 30;

    private IdxReader() {}

    /** Images and labels read from two IDX streams into one set. */
    public static ImageSet read(String name, InputStream images, InputStream labels, String[] classNames) throws IOException {
        try {
            return readChecked(name, images, labels, classNames);
        } catch (EOFException e) {
            throw new DataException(name + ": file is truncated (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new DataException(name + ": damaged gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static ImageSet readChecked(String name, InputStream images, InputStream labels, String[] classNames) throws IOException {
        DataInputStream li = open(labels);
        int lm = li.readInt();
        if (lm != LABELS_MAGIC) throw new DataException(name + ": label file has magic " + lm + ", expected " + LABELS_MAGIC + " (not an IDX label file)");
        int n = li.readInt();
        DataInputStream ii = open(images);
        int im = ii.readInt();
        if (im != IMAGES_MAGIC) throw new DataException(name + ": image file has magic " + im + ", expected " + IMAGES_MAGIC + " (not an IDX image file)");
        int ni = ii.readInt(), h = ii.readInt(), w = ii.readInt();
        if (ni != n) throw new DataException(name + ": " + ni + " images but " + n + " labels");
        if (n < 0 || h < 1 || w < 1 || (long) n * h * w > MAX_BYTES)
            throw new DataException(name + ": implausible IDX header (" + n + " images of " + h + "×" + w + ")");
        byte[] lb = new byte[n];
        byte[] px = new byte[n * h * w];
        try {
            li.readFully(lb);
            ii.readFully(px);
        } catch (EOFException e) {
            throw new DataException(name + ": file is truncated (header promises " + n + " images of " + h + "×" + w + ")", e);
        }
        // to the end of each stream: a gzip stream's CRC and length are checked only there
        requireEnd(li, name + ": label file");
        requireEnd(ii, name + ": image file");
        int[] labelsOut = new int[n];
        for (int i = 0; i < n; i++) {
            labelsOut[i] = lb[i] & 0xff;
            if (labelsOut[i] >= classNames.length)
                throw new DataException(name + ": label " + labelsOut[i] + " at index " + i + " but only " + classNames.length + " classes");
        }
        return new ImageSet(name, px, labelsOut, 1, h, w, classNames);
    }

    private static void requireEnd(InputStream in, String what) throws IOException {
        if (in.read() >= 0) throw new DataException(what + " is longer than its header says (trailing bytes after the last item)");
    }

    private static DataInputStream open(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(2);
        int b0 = b.read(), b1 = b.read();
        b.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16) : b);
    }
}
