package dev.apprentice.distill.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fashion-MNIST / MNIST in IDX files: from a folder, Debian's package, or the embedded subset. */
public final class FashionMnist {
    public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String EMBEDDED = "/datasets/fashion-mnist-subset/";

    private FashionMnist() {}

    /** True if dir holds the four IDX files (gzipped or raw). */
    public static boolean present(Path dir) {
        return find(dir, "train-images-idx3-ubyte") != null && find(dir, "train-labels-idx1-ubyte") != null
                && find(dir, "t10k-images-idx3-ubyte") != null && find(dir, "t10k-labels-idx1-ubyte") != null;
    }

    public static Splits fromDirectory(Path dir, String description) throws IOException {
        ImageSet train = readPair(dir, "train", description + " train");
        ImageSet test = readPair(dir, "t10k", description + " test");
        return new Splits(train, test, description);
    }

    /** The stratified subset bundled in the jar: 600 training and 100 test images per class. */
    public static Splits embedded() throws IOException {
        ImageSet train = IdxReader.read("embedded train", resource("train-images-idx3-ubyte.gz"), resource("train-labels-idx1-ubyte.gz"), CLASSES);
        ImageSet test = IdxReader.read("embedded test", resource("t10k-images-idx3-ubyte.gz"), resource("t10k-labels-idx1-ubyte.gz"), CLASSES);
        return new Splits(train, test, "embedded Fashion-MNIST subset (6,000 train / 1,000 test images, bundled in the jar)");
    }

    private static InputStream resource(String file) {
        InputStream in = FashionMnist.class.getResourceAsStream(EMBEDDED + file);
        if (in == null) throw new DataException("embedded dataset file " + file + " is missing from the jar");
        return in;
    }

    private static ImageSet readPair(Path dir, String prefix, String name) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte"), labels = find(dir, prefix + "-labels-idx1-ubyte");
        if (images == null || labels == null)
            throw new DataException(dir + ": missing " + prefix + "-images-idx3-ubyte[.gz] or " + prefix + "-labels-idx1-ubyte[.gz]");
        try (InputStream i = Files.newInputStream(images); InputStream l = Files.newInputStream(labels)) {
            return IdxReader.read(name, i, l, CLASSES);
        }
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base, base.replace("-idx", ".idx")}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
