package dev.apprentice.cudakernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the committed PTX files and their checksum sidecar from the class path. */
public final class PtxResources {
    private PtxResources() {}

    public static byte[] ptx(PtxModule module) {
        return read(module.resource());
    }

    /**
     * The sidecar build-ptx.sh wrote: path → SHA-256 (hex), for the sources (paths relative to
     * the cuda-kernels folder) and the PTX files (bare file names), in the file's order.
     */
    public static Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : new String(read(PtxModule.CHECKSUMS), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.trim().split("\\s+\\*?", 2);
            if (parts.length != 2 || parts[0].length() != 64)
                throw new IllegalStateException(PtxModule.CHECKSUMS + ": not a sha256sum line: " + line);
            sums.put(parts[1], parts[0]);
        }
        return sums;
    }

    private static byte[] read(String resource) {
        try (InputStream in = PtxResources.class.getResourceAsStream(resource)) {
            if (in == null)
                throw new IllegalStateException(resource + " is missing from the class path: build the PTX with cuda-kernels/build-ptx.sh");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
