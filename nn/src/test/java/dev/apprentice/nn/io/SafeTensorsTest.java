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
}
