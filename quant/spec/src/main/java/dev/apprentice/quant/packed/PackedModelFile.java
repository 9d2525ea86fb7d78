package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.nn.io.SafeTensors;
import dev.apprentice.nn.io.SafeTensors.RawTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Packed models as safetensors files (layout in docs/packed-format.md). Reading validates every
 * size, offset, code and value before building anything, and turns any damage into one
 * {@link ModelFileException} naming the file and the problem.
 */
public final class PackedModelFile {
    /** Bounds that keep a damaged header from describing absurd layers. */
    private static final int MAX_CHANNELS = 1 << 16, MAX_KERNEL = 15, MAX_STRIDE = 8;

    private PackedModelFile() {}

    public static void write(Path file, PackedModel model) throws IOException {
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        JsonArray layers = new JsonArray();
        for (PackedConv c : model.layers().values()) {
            JsonObject l = new JsonObject();
            l.addProperty("name", c.name());
            l.addProperty("in", c.inChannels());
            l.addProperty("out", c.outChannels());
            l.addProperty("k", c.kernel());
            l.addProperty("s", c.stride());
            l.addProperty("p", c.padding());
            l.addProperty("enc", c.encoding().name());
            l.addProperty("in_bits", c.inBits());
            layers.add(l);
            if (c.encoding() == WeightEncoding.F32) {
                tensors.put(c.name() + ".weight", f32(c.weights(), c.outChannels(), c.inChannels(), c.kernel(), c.kernel()));
            } else {
                tensors.put(c.name() + ".codes", new RawTensor("U8", new int[] {c.outChannels(), c.encoding().rowBytes(c.depth())}, c.codes()));
            }
            tensors.put(c.name() + ".weight_scale", f32(c.weightScale(), c.outChannels()));
            tensors.put(c.name() + ".out_scale", f32(c.outScale(), c.outChannels()));
            tensors.put(c.name() + ".out_bias", f32(c.outBias(), c.outChannels()));
        }
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        meta.put("layers", layers.toString());
        SafeTensors.writeRaw(file, tensors, meta);
    }

    /** Whether file is a packed model (its metadata names the packed format), not a float model file. */
    public static boolean isPacked(Path file) throws IOException {
        return PackedModel.FORMAT.equals(SafeTensors.readRaw(file).metadata().get("format"));
    }

    public static PackedModel read(Path file) throws IOException {
        SafeTensors.RawContents raw = SafeTensors.readRaw(file);
        try {
            Map<String, String> meta = new LinkedHashMap<>(raw.metadata());
            if (!PackedModel.FORMAT.equals(meta.get("format")))
                throw new IllegalArgumentException("not a packed model (format is " + meta.get("format") + ", expected " + PackedModel.FORMAT + ")");
            String layersJson = meta.remove("layers");
            if (layersJson == null) throw new IllegalArgumentException("no layer list in the metadata");
            JsonElement parsed = JsonParser.parseString(layersJson);
            if (!parsed.isJsonArray()) throw new IllegalArgumentException("the layer list is not a JSON array");
            Map<String, PackedConv> layers = new LinkedHashMap<>();
            int used = 0;
            for (JsonElement e : parsed.getAsJsonArray()) {
                PackedConv c = layer(e.getAsJsonObject(), raw.tensors());
                if (layers.put(c.name(), c) != null) throw new IllegalArgumentException("layer " + c.name() + " appears twice");
                used += 4;
            }
            if (used != raw.tensors().size()) throw new IllegalArgumentException("the file holds tensors that no layer uses");
            int bits = Integer.parseInt(meta.getOrDefault("activation_bits", "8"));
            if (bits != 2 && bits != 4 && bits != 8) throw new IllegalArgumentException("activation_bits must be 2, 4 or 8, got " + bits);
            return new PackedModel(meta, layers);
        } catch (RuntimeException e) { // IllegalArgument, IllegalState, NumberFormat, ClassCast, JsonParse, NullPointer, ...
            throw new ModelFileException(file + " is not a valid packed model: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    private static PackedConv layer(JsonObject l, Map<String, RawTensor> tensors) {
        String name = l.get("name").getAsString();
        int in = bounded(l, "in", 1, MAX_CHANNELS), out = bounded(l, "out", 1, MAX_CHANNELS);
        int k = bounded(l, "k", 1, MAX_KERNEL), s = bounded(l, "s", 1, MAX_STRIDE), p = bounded(l, "p", 0, k - 1);
        WeightEncoding enc = WeightEncoding.valueOf(l.get("enc").getAsString());
        int inBits = l.get("in_bits").getAsInt();
        if (inBits != 0 && inBits != 2 && inBits != 4 && inBits != 8) throw new IllegalArgumentException(name + ": in_bits " + inBits);
        byte[] codes = null;
        float[] weights = null;
        long depth = (long) in * k * k;
        if (depth > Integer.MAX_VALUE / 4) throw new IllegalArgumentException(name + ": " + depth + " weights per channel");
        if (enc == WeightEncoding.F32) {
            weights = floats(tensors, name + ".weight", out, in, k, k);
        } else {
            RawTensor t = tensor(tensors, name + ".codes", "U8", out, enc.rowBytes((int) depth));
            codes = t.bytes();
            int[] row = new int[(int) depth];
            for (int o = 0; o < out; o++) enc.unpackRow(codes, o, (int) depth, row); // rejects invalid codes and padding
        }
        return new PackedConv(name, in, out, k, s, p, enc, inBits, codes, weights,
                floats(tensors, name + ".weight_scale", out), floats(tensors, name + ".out_scale", out), floats(tensors, name + ".out_bias", out));
    }

    private static int bounded(JsonObject l, String key, int lo, int hi) {
        int v = l.get(key).getAsInt();
        if (v < lo || v > hi) throw new IllegalArgumentException("layer " + l.get("name") + ": " + key + " = " + v + " is outside [" + lo + ", " + hi + "]");
        return v;
    }

    private static RawTensor tensor(Map<String, RawTensor> tensors, String name, String dtype, int... shape) {
        RawTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("tensor " + name + " is missing");
        if (!t.dtype().equals(dtype) || !java.util.Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException("tensor " + name + " is " + t.dtype() + java.util.Arrays.toString(t.shape())
                    + ", expected " + dtype + java.util.Arrays.toString(shape));
        return t;
    }

    private static float[] floats(Map<String, RawTensor> tensors, String name, int... shape) {
        float[] v = tensor(tensors, name, "F32", shape).floats();
        for (float x : v) if (!Float.isFinite(x)) throw new IllegalArgumentException("tensor " + name + " holds " + x);
        return v;
    }

    private static RawTensor f32(float[] v, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return new RawTensor("F32", shape, b.array());
    }
}
