package dev.apprentice.nn.io;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private Map<String, Tensor> sample() {
        Random r = new Random(1);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a.weight", Tensor.randn(r, 1f, 3, 2, 3, 3));
        m.put("a.bias", Tensor.randn(r, 1f, 3));
        m.put("scalar", Tensor.scalar(4.5f));
        return m;
    }

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, sample(), Map.of("model", "resnet8"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(sample().keySet().stream().toList(), c.tensors().keySet().stream().toList());
        for (var e : sample().entrySet()) {
            assertArrayEquals(e.getValue().shape(), c.tensors().get(e.getKey()).shape());
            assertArrayEquals(e.getValue().data(), c.tensors().get(e.getKey()).data());
        }
        assertEquals("resnet8", c.metadata().get("model"));
        // The layout is the documented one: 8-byte little-endian length, then JSON.
        byte[] raw = Files.readAllBytes(f);
        long len = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String json = new String(raw, 8, (int) len, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"a.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[216,228]}"), json);
        assertEquals(0, (8 + len) % 8);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void flippedDataByteFailsTheChecksum() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        byte[] raw = Files.readAllBytes(f);
        raw[raw.length - 3] ^= 1;
        Files.write(f, raw);
        var e = assertThrows(ModelFileException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void everyTruncationIsRejectedCleanly() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, sample(), Map.of());
        byte[] raw = Files.readAllBytes(good);
        Path f = dir.resolve("cut.safetensors");
        for (int len = 0; len < raw.length; len++) {
            Files.write(f, Arrays.copyOf(raw, len));
            assertThrows(ModelFileException.class, () -> SafeTensors.read(f), "length " + len);
        }
    }

    @Test
    void hostileHeadersAreRejected() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        String[] headers = {
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000000000],\"data_offsets\":[0,4]}}",
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}",
            "{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "[1,2]", "{not json", "{\"x\":7}",
        };
        for (String h : headers) {
            byte[] json = h.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).putFloat(1f);
            Files.write(f, b.array());
            assertThrows(ModelFileException.class, () -> SafeTensors.read(f), h);
        }
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        Files.write(f, huge.array());
        assertThrows(ModelFileException.class, () -> SafeTensors.read(f));
    }

    @Test
    void readsHalfPrecisionAndIntegerTensorsAsFloats() throws IOException {
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}";
        byte[] json = h.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f)).putLong(7);
        Path f = dir.resolve("half.safetensors");
        Files.write(f, b.array());
        var c = SafeTensors.read(f);
        assertArrayEquals(new float[] {1.5f, -2f}, c.tensors().get("h").data());
        assertEquals(7f, c.tensors().get("n").item());
    }

    @Test
    void missingFileHasAClearMessage() {
        var e = assertThrows(ModelFileException.class, () -> SafeTensors.read(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("not found"));
    }

    /** Header and metadata edits behind an intact data section: each refused by the checksum (or the tiling check). */
    @Test
    void editsOfTheHeaderOrMetadataAreRefused() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.of(new float[] {1, 2, 3, 4}, 4));
        t.put("b", Tensor.of(new float[] {5, 6, 7, 8}, 2, 2));
        Map<String, String> meta = Map.of("arch", "resnet8", "norm_mean", "0.3", "precision", "a8w2");
        SafeTensors.write(f, t, meta);
        String header = header(f);
        String[][] edits = {
                {"\"dtype\":\"F32\",\"shape\":[4]", "\"dtype\":\"I32\",\"shape\":[4]"},   // dtype
                {"[0,16]", "[16,32]", "[16,32]", "[0,16]"},                                       // two tensors' data swapped
                {"\"shape\":[2,2]", "\"shape\":[4,1]"},                                          // shape
                {"\"norm_mean\":\"0.3\"", "\"norm_mean\":\"0.4\""},                                  // metadata value
                {"\"arch\":\"resnet8\"", "\"arch\":\"resnet20\""},
                {"apprentice.checksum", "apprentice.chucksum"},                                   // the checksum's own key
        };
        for (String[] e : edits) {
            String h = header;
            if (e.length == 4) h = h.replace(e[0], "@").replace(e[2], e[3]).replace("@", e[1]);
            else h = h.replace(e[0], e[1]);
            assertTrue(!h.equals(header), "edit " + Arrays.toString(e) + " applies");
            rewriteHeader(f, h);
            var x = assertThrows(ModelFileException.class, () -> SafeTensors.read(f), Arrays.toString(e));
            assertTrue(x.getMessage().contains("checksum"), x.getMessage());
            rewriteHeader(f, header);
            assertEquals(4, SafeTensors.read(f).tensors().get("a").data().length, "the original reads again");
        }
    }

    @Test
    void dataOffsetsMustTileTheDataSection() throws IOException {
        Path f = dir.resolve("gap.safetensors");
        SafeTensors.writeRaw(f, Map.of("a", new SafeTensors.RawTensor("F32", new int[] {2}, new byte[8])), Map.of());
        String header = header(f).replace("[0,8]", "[4,8]").replace("\"shape\":[2]", "\"shape\":[1]");
        rewriteHeader(f, header);
        var x = assertThrows(ModelFileException.class, () -> SafeTensors.readRaw(f));
        assertTrue(x.getMessage().contains("gap of 4 bytes"), x.getMessage());
    }

    private static String header(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(b, 8, (int) n, StandardCharsets.UTF_8).strip();
    }

    /** Replaces the JSON header, keeping the data section. */
    private static void rewriteHeader(Path f, String header) throws IOException {
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] h = header.getBytes(StandardCharsets.UTF_8), data = Arrays.copyOfRange(b, 8 + (int) n, b.length);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(data);
        Files.write(f, out.array());
    }
}
