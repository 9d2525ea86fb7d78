package dev.apprentice.distill.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A --data given as a Hadoop-FileSystem URI (hdfs://, s3a://, file:, any scheme the executors' Hadoop
 * knows) is copied once to a local directory of the machine, which the readers then take like any
 * data directory: the data sets here are tens of megabytes, and each replica reads all of it.
 */
public final class HadoopData {
    private HadoopData() {}

    /** Whether the --data value names a URI with a scheme (two letters or more: "C:" stays a path). */
    public static boolean isUri(String data) {
        return data != null && data.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
    }

    /** The arguments with a --data URI replaced by its local copy (made, or reused when a finished copy is there). */
    public static List<String> localized(List<String> args) throws IOException {
        List<String> out = new java.util.ArrayList<>(args);
        for (int i = 0; i < out.size(); i++) {
            String a = out.get(i);
            if (a.equals("--data") && i + 1 < out.size() && isUri(out.get(i + 1))) out.set(i + 1, localCopy(out.get(i + 1)).toString());
            else if (a.startsWith("--data=") && isUri(a.substring(7))) out.set(i, "--data=" + localCopy(a.substring(7)));
        }
        return out;
    }

    /** The directory at uri copied under java.io.tmpdir, named by the URI's hash; a marker file says the copy finished. */
    static synchronized Path localCopy(String uri) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "apprentice-data-" + hash(uri)), done = dir.resolve(".complete");
        if (Files.exists(done)) return dir;
        try (ScratchDirectory partial = ScratchDirectory.create(dir.getParent(), dir.getFileName() + ".partial-")) {
            URI source = URI.create(uri);
            try (FileSystem fs = FileSystem.newInstance(source, new Configuration())) {
                org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(source);
                if (!fs.getFileStatus(src).isDirectory()) throw new IOException("--data " + uri + " is not a directory");
                for (var status : fs.listStatus(src)) {
                    if (status.isDirectory()) fs.copyToLocalFile(false, status.getPath(), new org.apache.hadoop.fs.Path(partial.path().toUri()), true);
                    else fs.copyToLocalFile(false, status.getPath(), new org.apache.hadoop.fs.Path(partial.path().resolve(status.getPath().getName()).toUri()), true);
                }
            }
            Files.createFile(partial.path().resolve(".complete"));
            try {
                Files.move(partial.path(), dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another task of this machine finished the same copy first: use it (ours goes with the scratch directory)
            }
        }
        return dir;
    }

    private static String hash(String uri) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
