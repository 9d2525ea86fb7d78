package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.KernelArgs;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** Java's argument lists (KernelCalls) have the types, in the order, that each .entry declares. */
    @Test
    void javaPassesEveryKernelTheParametersItDeclares() {
        ConvShape shape = new ConvShape(1, 4, 1, 1, 4, 1, 1, 1, 1, 0, 4, 1, 4, true);
        CUdeviceptr p = new CUdeviceptr();
        for (KernelId k : KernelId.all()) {
            KernelArgs args;
            if (k.equals(KernelId.CONV_F32)) args = KernelCalls.f32Conv(shape, p, p, 0, p, p, null, -1, p, 8);
            else if (k.equals(KernelId.POOL_LINEAR)) args = KernelCalls.poolLinear(p, 8, 4, 1, p, p, p, 10, p);
            else if (k.equals(KernelId.SGEMM)) args = KernelCalls.sgemm(1, 1, 1, p, p, p, p, p);
            else args = KernelCalls.packedConv(shape, p, p, p, p, null, -1, p, 8);
            assertEquals(declaredParameters(k), args.ptxTypes(), k.entry());
        }
    }

    /** The types of an entry's .param lines: "u64", "u32", "f32", or "b8[n]" for a struct. */
    private static List<String> declaredParameters(KernelId k) {
        String ptx = new String(PtxResources.ptx(k.module()), StandardCharsets.US_ASCII);
        int at = ptx.indexOf(".entry " + k.entry() + "(");
        String params = ptx.substring(at, ptx.indexOf(")", at));
        List<String> types = new ArrayList<>();
        Matcher m = Pattern.compile("\\.param (?:\\.align \\d+ )?\\.(\\w+) " + k.entry() + "_param_\\d+(\\[\\d+\\])?").matcher(params);
        while (m.find()) types.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
        return types;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
