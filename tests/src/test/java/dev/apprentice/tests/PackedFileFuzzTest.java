package dev.apprentice.tests;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.nn.io.SafeTensors;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedModelFile;
import dev.apprentice.quant.packed.PackedNetwork;
import dev.apprentice.quant.packed.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of damaged packed models: random byte flips, truncations and junk (caught by the
 * container checks and the checksum), and damage behind a valid checksum — codes, floats, shapes
 * and the layer list rewritten and re-signed — which only the packed-model validation can catch.
 * Every file must load or be refused with a ModelFileException; a file that loads must build a
 * network or be refused with an IllegalArgumentException. No other exception, no hang.
 */
class PackedFileFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void damagedFilesAreRejectedCleanly() throws IOException {
        ModelSpec spec = new ModelSpec("resnet8", 0.25, 1, 12, 12, 10, new Normalization(new float[] {0.3f}, new float[] {0.35f}),
                QuantConfig.of(Precision.parse("a4w2")));
        Path good = tmp.resolve("good.packed.safetensors");
        PackedModels.export(spec.build(1), spec, good);
        byte[] original = Files.readAllBytes(good);
        SafeTensors.RawContents raw = SafeTensors.readRaw(good);
        Random rng = new Random(42);
        Path f = tmp.resolve("fuzz.safetensors");
        int rejected = 0, loaded = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 3000; i++) {
            int kind = i % 6;
            if (kind < 3) Files.write(f, damageBytes(original, kind, rng));
            else SafeTensors.writeRaw(f, damageTensors(raw, kind, rng), damageMetadata(raw.metadata(), kind, rng));
            String what = "case " + i + " (kind " + kind + ")";
            if (kind < 3) assertReadExactlyOrRefused(f, raw, what);
            boolean ok = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> loadAndBuild(f, what), what);
            if (ok) loaded++;
            else rejected++;
        }
        assertTrue(rejected > 2500, "most damage must be caught: " + rejected + " rejected, " + loaded + " loaded");
        assertTrue(System.nanoTime() - start < 120e9, "fuzzing took too long");
    }

    /** Bytes damaged anywhere, header and metadata included: the file is refused, or reads as the original did. */
    private static void assertReadExactlyOrRefused(Path f, SafeTensors.RawContents original, String what) {
        SafeTensors.RawContents read;
        try {
            read = SafeTensors.readRaw(f);
        } catch (ModelFileException e) {
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + ": unexpected " + t, t);
        }
        if (!read.metadata().equals(original.metadata())) fail(what + ": loaded with changed metadata " + read.metadata());
        if (!read.tensors().keySet().equals(original.tensors().keySet())) fail(what + ": loaded with other tensors");
        original.tensors().forEach((name, t) -> {
            SafeTensors.RawTensor r = read.tensors().get(name);
            if (!r.dtype().equals(t.dtype()) || !java.util.Arrays.equals(r.shape(), t.shape()) || !java.util.Arrays.equals(r.bytes(), t.bytes()))
                fail(what + ": tensor " + name + " loaded changed");
        });
    }

    /** True if the file loaded and built; false if refused the documented way; anything else fails. */
    private static boolean loadAndBuild(Path f, String what) {
        PackedModel m;
        try {
            m = PackedModelFile.read(f);
        } catch (ModelFileException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) fail(what + ": refusal without a message");
            return false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": unexpected " + t, t);
        }
        try (PackedNetwork net = new PackedNetwork(m, new ReferenceBackend())) {
            return net.backendName() != null;
        } catch (IllegalArgumentException e) {
            return false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": network build threw " + t, t);
        }
    }

    private static byte[] damageBytes(byte[] original, int kind, Random rng) {
        byte[] b = original.clone();
        switch (kind) {
            case 0 -> { // flip a few random bytes anywhere
                int flips = 1 + rng.nextInt(8);
                for (int j = 0; j < flips; j++) b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rng.nextInt(b.length)); // truncate
            default -> { // a random header length, or junk appended
                if (rng.nextBoolean()) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, rng.nextLong() >>> rng.nextInt(64));
                else {
                    byte[] junk = new byte[1 + rng.nextInt(64)];
                    rng.nextBytes(junk);
                    byte[] c = java.util.Arrays.copyOf(b, b.length + junk.length);
                    System.arraycopy(junk, 0, c, b.length, junk.length);
                    b = c;
                }
            }
        }
        return b;
    }

    /** Valid-checksum damage: random code bytes, non-finite or random floats, a tensor reshaped or dropped. */
    private static Map<String, SafeTensors.RawTensor> damageTensors(SafeTensors.RawContents raw, int kind, Random rng) {
        Map<String, SafeTensors.RawTensor> t = new LinkedHashMap<>(raw.tensors());
        if (kind == 5) return t; // metadata damage only
        String[] names = t.keySet().toArray(new String[0]);
        String name = names[rng.nextInt(names.length)];
        SafeTensors.RawTensor v = t.get(name);
        byte[] bytes = v.bytes().clone();
        switch (rng.nextInt(4)) {
            case 0 -> bytes[rng.nextInt(bytes.length)] = (byte) rng.nextInt(256);
            case 1 -> { if (bytes.length >= 4) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * rng.nextInt(bytes.length / 4), rng.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY); }
            case 2 -> {
                t.remove(name);
                return t;
            }
            default -> {
                t.put(name, new SafeTensors.RawTensor("U8", new int[] {bytes.length}, bytes));
                return t;
            }
        }
        t.put(name, new SafeTensors.RawTensor(v.dtype(), v.shape(), bytes));
        return t;
    }

    /** The layer list or other metadata edited: numbers changed, fields dropped, not JSON at all. */
    private static Map<String, String> damageMetadata(Map<String, String> meta, int kind, Random rng) {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.remove(SafeTensors.CHECKSUM_KEY);
        if (kind != 5) return m;
        String layers = m.get("layers");
        switch (rng.nextInt(5)) {
            case 0 -> m.put("layers", layers.replaceFirst("\"k\":3", "\"k\":" + (rng.nextInt(40) - 5)));
            case 1 -> m.put("layers", layers.replaceFirst("\"out\":\\d+", "\"out\":" + rng.nextInt(1 << 20)));
            case 2 -> m.put("layers", layers.replaceFirst("TERNARY", rng.nextBoolean() ? "INT4" : "FOO"));
            case 3 -> m.put("layers", new String(layers.getBytes(StandardCharsets.UTF_8), 0, rng.nextInt(layers.length()), StandardCharsets.UTF_8));
            default -> m.put(rng.nextBoolean() ? "format" : "activation_bits", "x" + rng.nextInt(9));
        }
        return m;
    }
}
