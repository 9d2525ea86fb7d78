package dev.apprentice.cudakernels.bench;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;

import java.util.SplittableRandom;

/**
 * Large random layers, fast: packed file rows are drawn byte by byte from the bytes that hold
 * only valid codes (no per-code packing loop over 67 M codes).
 */
final class RandomWeights {
    private RandomWeights() {}

    /** A linear layer in → out (a 1×1 convolution) of random codes, taking 8-bit activation codes. */
    static PackedConv linear(WeightEncoding e, int in, int out, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] valid = validBytes(e);
        int rowBytes = e.rowBytes(in);
        byte[] codes = new byte[Math.multiplyExact(out, rowBytes)];
        int tailCodes = in % (8 / e.bits); // a row's last byte holds this many codes (0: full)
        for (int o = 0; o < out; o++) {
            for (int b = 0; b < rowBytes; b++) codes[o * rowBytes + b] = valid[r.nextInt(valid.length)];
            if (tailCodes != 0) codes[o * rowBytes + rowBytes - 1] &= (byte) ((1 << (tailCodes * e.bits)) - 1); // zero padding
        }
        float[] scale = new float[out], outScale = new float[out], bias = new float[out];
        float typical = (float) (1 / (Math.sqrt(in) * e.maxCode * 255 * 0.5));
        for (int o = 0; o < out; o++) {
            scale[o] = 0.05f;
            outScale[o] = typical * (0.5f + (float) r.nextDouble());
            bias[o] = 0.5f;
        }
        return new PackedConv("bench", in, out, 1, 1, 0, e, 8, codes, null, scale, outScale, bias);
    }

    /** Uniform floats in [-1, 1). */
    static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }

    static byte[] codes(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) v[i] = (byte) r.nextInt(256);
        return v;
    }

    /** Every byte value all of whose code fields are valid for the encoding. */
    private static byte[] validBytes(WeightEncoding e) {
        byte[] all = new byte[256];
        int n = 0;
        int mask = (1 << e.bits) - 1;
        for (int b = 0; b < 256; b++) {
            boolean ok = true;
            for (int shift = 0; shift < 8; shift += e.bits) {
                int field = (b >> shift) & mask;
                int q = field >= 1 << (e.bits - 1) ? field - (1 << e.bits) : field;
                ok &= q >= -e.maxCode && q <= e.maxCode;
            }
            if (ok) all[n++] = (byte) b;
        }
        return java.util.Arrays.copyOf(all, n);
    }
}
