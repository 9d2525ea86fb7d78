package dev.apprentice.distill.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the data to train on: a directory the user names (IDX files, CIFAR-10 batches, or train/
 * and test/ image folders), Debian's dataset-fashion-mnist, or the subset embedded in the jar.
 */
public final class DataSources {
    private DataSources() {}

    /** @param dir the user's --data directory, or null to use the defaults */
    public static Splits resolve(Path dir) throws IOException {
        if (dir != null) return fromDirectory(dir);
        if (FashionMnist.present(FashionMnist.DEBIAN_DIR))
            return FashionMnist.fromDirectory(FashionMnist.DEBIAN_DIR, "Fashion-MNIST from Debian's dataset-fashion-mnist (" + FashionMnist.DEBIAN_DIR + ")");
        return FashionMnist.embedded();
    }

    /**
     * The --data option: a directory, "embedded" (also the default, so the first run of a new user
     * is quick and the same everywhere), or "debian" (the full Fashion-MNIST from
     * dataset-fashion-mnist).
     */
    public static Splits resolve(String data) throws IOException {
        if (data == null) {
            Splits s = FashionMnist.embedded();
            if (!FashionMnist.present(FashionMnist.DEBIAN_DIR)) return s;
            return new Splits(s.train(), s.test(), s.source() + "; the full Fashion-MNIST is installed: --data debian");
        }
        return switch (data) {
            case "embedded" -> FashionMnist.embedded();
            case "debian", "fashion-mnist" -> {
                if (!FashionMnist.present(FashionMnist.DEBIAN_DIR))
                    throw new DataException("Fashion-MNIST is not installed at " + FashionMnist.DEBIAN_DIR + " (apt-get install dataset-fashion-mnist)");
                yield resolve((Path) null);
            }
            default -> fromDirectory(Path.of(data));
        };
    }

    private static Splits fromDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new DataException("data directory " + dir + " not found");
        if (FashionMnist.present(dir)) return FashionMnist.fromDirectory(dir, "IDX files in " + dir);
        Path cifar = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        if (Files.isRegularFile(cifar.resolve("data_batch_1.bin"))) {
            List<Path> train = new ArrayList<>();
            for (int i = 1; i <= 5; i++) train.add(cifar.resolve("data_batch_" + i + ".bin"));
            return new Splits(Cifar10Reader.read("CIFAR-10 train", train),
                    Cifar10Reader.read("CIFAR-10 test", List.of(cifar.resolve("test_batch.bin"))), "CIFAR-10 binary batches in " + cifar);
        }
        if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
            ImageSet train = ImageFolderReader.read("image folder train", dir.resolve("train"));
            ImageSet test = ImageFolderReader.read("image folder test", dir.resolve("test"));
            if (!java.util.Arrays.equals(train.classNames(), test.classNames()))
                throw new DataException(dir + ": train/ and test/ have different class folders");
            return new Splits(train, test, "image folders in " + dir);
        }
        throw new DataException(dir + " holds no dataset this tool reads: expected Fashion-MNIST/MNIST IDX files "
                + "(train-images-idx3-ubyte[.gz], ...), CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin), "
                + "or train/ and test/ folders with one sub-folder of PNG/JPEG images per class");
    }
}
