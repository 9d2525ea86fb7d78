package dev.apprentice.cudakernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed PTX is what build-ptx.sh makes of the committed sources: the sidecar's hashes of
 * the sources and of the script must match the files, and its hashes of the PTX the resources.
 * When this fails, run cuda-kernels/build-ptx.sh (needs nvcc) and commit its output.
 */
class PtxResourcesTest {
    private static final String REBUILD = " — run cuda-kernels/build-ptx.sh and commit the PTX";

    @Test
    void sidecarMatchesTheSources() throws IOException {
        Map<String, String> recorded = new TreeMap<>();
        PtxResources.checksums().forEach((path, sum) -> {
            if (!path.endsWith(".ptx")) recorded.put(path, sum);
        });
        Map<String, String> actual = new TreeMap<>();
        Path root = ModuleFiles.root();
        actual.put("build-ptx.sh", sha256(Files.readAllBytes(root.resolve("build-ptx.sh"))));
        try (Stream<Path> files = Files.list(ModuleFiles.cudaSources())) {
            for (Path f : files.sorted().toList()) actual.put("src/main/cuda/" + f.getFileName(), sha256(Files.readAllBytes(f)));
        }
        assertEquals(recorded.keySet(), actual.keySet(), "the set of CUDA sources changed" + REBUILD);
        for (String path : actual.keySet()) assertEquals(recorded.get(path), actual.get(path), path + " changed since the PTX was built" + REBUILD);
    }

    @Test
    void sidecarMatchesThePtx() {
        Map<String, String> sums = PtxResources.checksums();
        for (PtxModule m : PtxModule.values()) {
            String name = m.baseName + ".ptx";
            assertTrue(sums.containsKey(name), name + " is not in the sidecar" + REBUILD);
            assertEquals(sums.get(name), sha256(PtxResources.ptx(m)), name + " was edited by hand or not committed with its sidecar" + REBUILD);
        }
    }

    @Test
    void everyModuleHasASourceAndEverySourceAModule() throws IOException {
        try (Stream<Path> files = Files.list(ModuleFiles.cudaSources())) {
            var cu = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cu")).map(n -> n.substring(0, n.length() - 3)).sorted().toList();
            var modules = Stream.of(PtxModule.values()).map(m -> m.baseName).sorted().toList();
            assertEquals(modules, cu);
        }
    }

    @Test
    void everyKernelJavaLaunchesIsInItsPtxForSm80() {
        for (PtxModule m : PtxModule.values()) {
            String ptx = new String(PtxResources.ptx(m), StandardCharsets.US_ASCII);
            assertTrue(ptx.contains("\n.target sm_80\n"), m + " must target sm_80");
            assertTrue(ptx.contains("\n.version 7.0\n"), m + " must declare PTX ISA 7.0 (see build-ptx.sh)");
            for (KernelId k : KernelId.all())
                if (k.module() == m) assertTrue(ptx.contains(".entry " + k.entry() + "("), k.entry() + " is missing from " + m.resource());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
