package dev.apprentice.nn.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.apprentice.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data), readable by PyTorch
 * and friends. We write F32 tensors and, in the metadata, a SHA-256 over the whole file's meaning: each
 * tensor's name, dtype, shape and byte range, the other metadata, and the data; we read F32,
 * F16, BF16 and F64 (converted to float) and integer tensors as floats, validating every size
 * and offset before allocating anything.
 */
public final class SafeTensors {
    /** Metadata key holding the hex SHA-256 of the header's entries, the other metadata and the data ({@link #digest}). */
    public static final String CHECKSUM_KEY = "apprentice.checksum";
    /** The checksum of files written before 2026-12-05: the data section only (still verified when read). */
    public static final String DATA_CHECKSUM_KEY = "apprentice.sha256";
    private static final long MAX_HEADER = 100L << 20;
    private static final Gson GSON = new Gson();

    private SafeTensors() {}

    /** The tensors and string metadata of a file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** A tensor as stored: dtype name, shape and little-endian bytes. */
    public record RawTensor(String dtype, int[] shape, byte[] bytes) {
        public RawTensor {
            int width = dtypeBytes(dtype);
            if (width == 0) throw new IllegalArgumentException("unsupported dtype " + dtype);
            long count = 1;
            for (int d : shape) count *= d;
            if (count * width != bytes.length)
                throw new IllegalArgumentException(dtype + " tensor of shape " + java.util.Arrays.toString(shape) + " needs " + count * width + " bytes, got " + bytes.length);
        }

        /** An F32 tensor. */
        public static RawTensor of(Tensor t) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.data());
            return new RawTensor("F32", t.shape(), b.array());
        }

        /** The values as floats, whatever the dtype. */
        public float[] floats() {
            return decode(dtype, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, bytes.length / dtypeBytes(dtype));
        }
    }

    /** The raw tensors and string metadata of a file. */
    public record RawContents(Map<String, RawTensor> tensors, Map<String, String> metadata) {}

    /** Writes tensors (F32) and metadata atomically; adds the data checksum to the metadata. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, RawTensor> raw = new LinkedHashMap<>();
        tensors.forEach((k, v) -> raw.put(k, RawTensor.of(v)));
        writeRaw(file, raw, metadata);
    }

    /** Writes tensors of any dtype and metadata atomically; adds the data checksum to the metadata. */
    public static void writeRaw(Path file, Map<String, RawTensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        List<Entry> entries = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            RawTensor t = e.getValue();
            JsonObject d = new JsonObject();
            d.addProperty("dtype", t.dtype());
            JsonArray shape = new JsonArray();
            for (int s : t.shape()) shape.add(s);
            d.add("shape", shape);
            JsonArray off = new JsonArray();
            off.add(offset);
            off.add(offset + t.bytes().length);
            d.add("data_offsets", off);
            header.add(e.getKey(), d);
            entries.add(new Entry(e.getKey(), t.dtype(), t.shape(), offset, offset + t.bytes().length));
            offset += t.bytes().length;
        }
        Map<String, String> kept = new LinkedHashMap<>(metadata);
        kept.remove(CHECKSUM_KEY);
        kept.remove(DATA_CHECKSUM_KEY);
        JsonObject meta = new JsonObject();
        kept.forEach(meta::addProperty);
        meta.addProperty(CHECKSUM_KEY, digest(entries, kept, tensors.values().stream().map(RawTensor::bytes).toList()));
        header.add("__metadata__", meta);
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keeps the data 8-byte aligned, as the reference writer does
        byte[] headerBytes = new byte[json.length + pad];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int p = json.length; p < headerBytes.length; p++) headerBytes[p] = ' ';
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            for (RawTensor t : tensors.values()) out.write(t.bytes());
        });
    }

    /** Reads and validates a file, decoding every tensor to floats; a checksum in its metadata, if present, must match. */
    public static Contents read(Path file) throws IOException {
        RawContents raw = readRaw(file);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        raw.tensors().forEach((k, v) -> tensors.put(k, Tensor.of(v.floats(), v.shape())));
        return new Contents(tensors, raw.metadata());
    }

    /** Reads and validates a file, keeping each tensor's stored bytes; a checksum in its metadata, if present, must match. */
    public static RawContents readRaw(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw corrupt(file, "only " + size + " bytes, too short for a safetensors header");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8)
                throw corrupt(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonObject header;
            try {
                JsonElement parsed = JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8));
                if (!parsed.isJsonObject()) throw corrupt(file, "header is not a JSON object");
                header = parsed.getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw corrupt(file, "header is not valid JSON");
            }
            long dataStart = 8 + headerLen, dataLen = size - dataStart;
            if (dataLen > Integer.MAX_VALUE - 8) throw corrupt(file, "data section of " + dataLen + " bytes is larger than this reader supports (2 GiB)");
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (var e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isJsonObject()) throw corrupt(file, "__metadata__ is not an object");
                    for (var m : e.getValue().getAsJsonObject().entrySet()) {
                        if (!m.getValue().isJsonPrimitive()) throw corrupt(file, "metadata value of " + m.getKey() + " is not a string");
                        metadata.put(m.getKey(), m.getValue().getAsString());
                    }
                } else {
                    entries.add(entry(file, e.getKey(), e.getValue(), dataLen));
                }
            }
            List<Entry> inFileOrder = new ArrayList<>(entries);
            entries.sort((a, b) -> Long.compare(a.begin, b.begin));
            long end = 0;
            for (Entry en : entries) {
                if (en.begin < end) throw corrupt(file, "tensor " + en.name + " overlaps the one before it");
                if (en.begin > end) throw corrupt(file, "a gap of " + (en.begin - end) + " bytes before tensor " + en.name + " (the data offsets must tile the data section)");
                end = en.end;
            }
            if (end != dataLen) throw corrupt(file, "data section has " + dataLen + " bytes but the header describes " + end + " (truncated or padded file)");
            ByteBuffer data = ByteBuffer.allocate((int) dataLen).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, data, dataStart);
            String expected = metadata.get(CHECKSUM_KEY), expectedData = metadata.get(DATA_CHECKSUM_KEY);
            if (expected != null) {
                Map<String, String> rest = new LinkedHashMap<>(metadata);
                rest.remove(CHECKSUM_KEY);
                if (!digest(inFileOrder, rest, List.of(data.array())).equals(expected))
                    throw corrupt(file, "checksum mismatch: the header, metadata or data was changed or damaged after it was written");
            } else if (expectedData == null && (metadata.containsKey("arch") || metadata.getOrDefault("format", "").startsWith("apprentice"))) {
                // every file we write carries a checksum; one that names our network but has none was edited
                throw corrupt(file, "no checksum, though the metadata is ours (arch, or an apprentice format): the header was changed or damaged");
            } else if (expectedData != null) {
                MessageDigest sha = sha256();
                sha.update(data.array());
                if (!HexFormat.of().formatHex(sha.digest()).equals(expectedData))
                    throw corrupt(file, "checksum mismatch: the data was changed or damaged after it was written");
            }
            Map<String, RawTensor> tensors = new LinkedHashMap<>();
            for (Entry en : inFileOrder) {
                byte[] bytes = new byte[(int) (en.end - en.begin)];
                data.get((int) en.begin, bytes);
                tensors.put(en.name, new RawTensor(en.dtype, en.shape, bytes));
            }
            return new RawContents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new ModelFileException("model file " + file + " not found");
        }
    }

    private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

    /**
     * Hex SHA-256 over the tensors' names, dtypes, shapes and byte ranges in file order, the metadata
     * (the checksum itself excluded) in key order, then the data: a swapped offset, a changed dtype or
     * an edited metadata value changes it as a flipped data byte does.
     */
    private static String digest(List<Entry> entries, Map<String, String> metadata, List<byte[]> data) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries)
            sb.append(e.name).append('\0').append(e.dtype).append('\0').append(java.util.Arrays.toString(e.shape)).append('\0')
                    .append(e.begin).append('\0').append(e.end).append('\0');
        sb.append("__metadata__\0");
        new java.util.TreeMap<>(metadata).forEach((k, v) -> sb.append(k).append('\0').append(v).append('\0'));
        MessageDigest sha = sha256();
        sha.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        for (byte[] b : data) sha.update(b);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static Entry entry(Path file, String name, JsonElement v, long dataLen) {
        try {
            JsonObject o = v.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            int width = dtypeBytes(dtype);
            if (width == 0) throw corrupt(file, "tensor " + name + " has unsupported dtype " + dtype);
            JsonArray sh = o.getAsJsonArray("shape");
            if (sh.size() > 8) throw corrupt(file, "tensor " + name + " has rank " + sh.size());
            int[] shape = new int[sh.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = sh.get(i).getAsLong();
                if (d < 0 || d > Integer.MAX_VALUE) throw corrupt(file, "tensor " + name + " has dimension " + d);
                shape[i] = (int) d;
                count *= d;
                if (count > dataLen) throw corrupt(file, "tensor " + name + " is larger than the file's data");
            }
            JsonArray off = o.getAsJsonArray("data_offsets");
            if (off.size() != 2) throw corrupt(file, "tensor " + name + " needs two data offsets");
            long begin = off.get(0).getAsLong(), end = off.get(1).getAsLong();
            if (begin < 0 || end < begin || end > dataLen)
                throw corrupt(file, "tensor " + name + " has data offsets [" + begin + ", " + end + ") outside the " + dataLen + "-byte data section");
            if (end - begin != count * width)
                throw corrupt(file, "tensor " + name + " of shape " + java.util.Arrays.toString(shape) + " and dtype " + dtype + " needs " + count * width + " bytes, header gives " + (end - begin));
            return new Entry(name, dtype, shape, begin, end);
        } catch (IllegalStateException | NullPointerException | UnsupportedOperationException | NumberFormatException e) {
            throw corrupt(file, "malformed header entry for tensor " + name);
        }
    }

    private static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "F64", "I64" -> 8;
            case "U8", "I8", "BOOL" -> 1;
            default -> 0;
        };
    }

    private static float[] decode(String dtype, ByteBuffer data, int p, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "F32" -> data.getFloat(p + 4 * i);
                case "F64" -> (float) data.getDouble(p + 8 * i);
                case "F16" -> Float.float16ToFloat(data.getShort(p + 2 * i));
                case "BF16" -> Float.intBitsToFloat((data.getShort(p + 2 * i) & 0xffff) << 16);
                case "I64" -> data.getLong(p + 8 * i);
                case "I32" -> data.getInt(p + 4 * i);
                case "I16" -> data.getShort(p + 2 * i);
                case "I8" -> data.get(p + i);
                default -> data.get(p + i) & 0xff; // U8, BOOL
            };
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) throw new ModelFileException("unexpected end of file");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelFileException corrupt(Path file, String why) {
        return new ModelFileException(file + " is not a valid safetensors file: " + why);
    }
}
