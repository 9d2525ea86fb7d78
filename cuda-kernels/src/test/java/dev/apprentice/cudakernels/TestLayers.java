package dev.apprentice.cudakernels;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;

import java.util.Random;

/** Random layers and inputs for comparing a backend (or the host build) with ReferenceBackend. */
final class TestLayers {
    private TestLayers() {}

    /** A packed layer with random codes over the encoding's whole range and a useful epilogue. */
    static PackedConv packed(Random r, String name, WeightEncoding e, int in, int out, int k, int stride, int pad, int inBits) {
        int depth = in * k * k;
        int[] codes = new int[out * depth];
        for (int i = 0; i < codes.length; i++) codes[i] = r.nextInt(2 * e.maxCode + 1) - e.maxCode;
        int levels = (1 << inBits) - 1;
        // acc spreads like √K · maxCode · levels / 2: scale it to about ±1, so outputs hit 0, 1 and between
        float typical = (float) (Math.sqrt(depth) * Math.max(1, e.maxCode) * levels * 0.5);
        return new PackedConv(name, in, out, k, stride, pad, e, inBits, e.pack(codes, out, depth), null,
                vector(r, out, 0.01f, 0.1f), scales(r, out, 1f / typical), biases(r, out));
    }

    /** An F32 layer (the stem when inBits = 0, a full-precision layer on codes otherwise). */
    static PackedConv f32(Random r, String name, int in, int out, int k, int stride, int pad, int inBits) {
        int depth = in * k * k;
        float[] w = new float[out * depth];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() / Math.sqrt(depth));
        return new PackedConv(name, in, out, k, stride, pad, WeightEncoding.F32, inBits, null, w,
                new float[out], scales(r, out, 1f), biases(r, out));
    }

    /** Codes 0 .. 2^bits - 1 (all levels, the extremes more often). */
    static int[] codes(Random r, int n, int bits) {
        int levels = (1 << bits) - 1;
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(10);
            c[i] = pick == 0 ? 0 : pick == 1 ? levels : r.nextInt(levels + 1);
        }
        return c;
    }

    static float[] floats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /**
     * Codes uploaded to any backend: the floats code / levels through an identity 1×1 F32 layer
     * that quantizes them back (exactly: the round trip is off by far less than half a level).
     */
    static LowBitBackend.Activations uploadCodes(LowBitBackend backend, int[] codes, int batch, int channels, int h, int w, int bits) {
        float levels = (1 << bits) - 1;
        float[] values = new float[codes.length];
        for (int i = 0; i < codes.length; i++) values[i] = codes[i] / levels;
        LowBitBackend.Activations floats = backend.upload(values, batch, channels, h, w);
        LowBitBackend.Activations coded = backend.conv(floats, backend.prepare(identity(channels)), null, bits);
        backend.free(floats);
        return coded;
    }

    static PackedConv identity(int channels) {
        float[] w = new float[channels * channels];
        for (int c = 0; c < channels; c++) w[c * channels + c] = 1f;
        float[] ones = new float[channels];
        java.util.Arrays.fill(ones, 1f);
        return new PackedConv("identity", channels, channels, 1, 1, 0, WeightEncoding.F32, 0, null, w,
                new float[channels], ones, new float[channels]);
    }

    private static float[] vector(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextFloat();
        return v;
    }

    /** Mostly positive scales of about `typical`, a few negative. */
    private static float[] scales(Random r, int n, float typical) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = typical * (0.3f + r.nextFloat()) * (r.nextInt(8) == 0 ? -1 : 1);
        return v;
    }

    private static float[] biases(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.5f * (float) r.nextGaussian() + 0.2f;
        return v;
    }
}
