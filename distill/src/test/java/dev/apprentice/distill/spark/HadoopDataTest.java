package dev.apprentice.distill.spark;

import dev.apprentice.distill.data.DataSources;
import dev.apprentice.distill.data.FashionMnist;
import dev.apprentice.distill.data.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --data as a Hadoop-FileSystem URI, through Hadoop's own file: file system. */
class HadoopDataTest {
    @TempDir
    Path tmp;

    @Test
    void aUriIsCopiedOnceAndReadLikeADirectory() throws IOException {
        Path source = tmp.resolve("fashion");
        Files.createDirectories(source);
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
            try (InputStream in = HadoopDataTest.class.getResourceAsStream("/datasets/fashion-mnist-subset/" + f)) {
                Files.copy(in, source.resolve(f));
            }
        String uri = source.toUri().toString();   // file:/...: Hadoop's LocalFileSystem
        List<String> args = HadoopData.localized(List.of("--student", "resnet8", "--data", uri));
        Path local = Path.of(args.get(3));
        assertNotEquals(source, local);
        assertTrue(Files.exists(local.resolve(".complete")));
        assertEquals(List.of("--data=" + local), HadoopData.localized(List.of("--data=" + uri)), "the --data= spelling reuses the one copy");
        Splits copied = DataSources.resolve(local.toString()), embedded = FashionMnist.embedded();
        assertEquals(embedded.train().size(), copied.train().size());
        assertArrayEquals(embedded.train().labels(), copied.train().labels());
        assertArrayEquals(embedded.test().pixels(), copied.test().pixels());
        assertThrows(IOException.class, () -> HadoopData.localized(List.of("--data", source.resolve("train-images-idx3-ubyte.gz").toUri().toString())),
                "a file is not a data directory");
        try (var files = Files.walk(local)) {   // the copy lives under java.io.tmpdir, named by the URI: leave none behind
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void pathsAndNamesAreNotUris() {
        assertFalse(HadoopData.isUri("debian"));
        assertFalse(HadoopData.isUri("/data/fashion"));
        assertFalse(HadoopData.isUri("C:\\data"));
        assertTrue(HadoopData.isUri("hdfs://namenode:8020/data/fashion"));
        assertTrue(HadoopData.isUri("s3a://bucket/fashion"));
    }
}
