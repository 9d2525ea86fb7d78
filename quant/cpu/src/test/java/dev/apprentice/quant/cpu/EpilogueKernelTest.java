package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.quant.WeightEncoding;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorized epilogue against the scalar specification on the values where they could part: ties, zeros, NaN, clamps. */
class EpilogueKernelTest {

    private static float[] specialSums(Random rng, int n, int levels) {
        float[] s = new float[n];
        // NaNs of both signs and with payloads: the kernel clamps on the float's bits
        float[] fixed = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xff8000ff),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, 1.0000001f, -1e-30f, 2f, 0.99999994f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e30f};
        for (int i = 0; i < n; i++) {
            int kind = rng.nextInt(4);
            if (kind == 0) s[i] = fixed[rng.nextInt(fixed.length)];
            else if (kind == 1) s[i] = (rng.nextInt(levels) + 0.5f) / levels;   // y·levels on or next to a tie
            else if (kind == 2) s[i] = rng.nextInt(levels + 1) / (float) levels;
            else s[i] = (float) (rng.nextGaussian() * 0.7 + 0.4);
        }
        return s;
    }

    @Test
    void matchesTheScalarEpilogueBitForBit() {
        Random rng = new Random(6);
        int ties = 0;
        for (int outBits : new int[] {0, 1, 2, 4, 8}) {
            for (int channels : new int[] {1, 10, 16, 17, 64}) {
                int count = 7, levels = outBits > 0 ? (1 << outBits) - 1 : 255;
                float[] scale = new float[channels], bias = new float[channels];
                for (int o = 0; o < channels; o++) {
                    scale[o] = o % 3 == 0 ? 1f : (float) (0.5 + rng.nextDouble());
                    bias[o] = o % 3 == 0 ? 0f : (float) (rng.nextDouble() * 0.2 - 0.1);
                }
                PackedConv c = new PackedConv("e", 1, channels, 1, 1, 0, WeightEncoding.F32, 0, null, new float[channels], scale, scale, bias);
                float[] sums = specialSums(rng, count * channels, levels);
                int[] ints = new int[count * channels];
                for (int i = 0; i < ints.length; i++) ints[i] = rng.nextInt(4 * levels) - levels;
                byte[] resCodes = new byte[count * channels];
                float[] resValues = specialSums(rng, count * channels, levels);
                for (int i = 0; i < resCodes.length; i++) resCodes[i] = (byte) rng.nextInt(256);
                CpuActivations[] residuals = {null, new CpuActivations(1, channels, 1, count, 8, resCodes, null),
                        new CpuActivations(1, channels, 1, count, 3, rndCodes(rng, count * channels, 7), null),
                        new CpuActivations(1, channels, 1, count, 0, null, resValues)};
                for (CpuActivations res : residuals) {
                    for (boolean fromInts : new boolean[] {true, false}) {
                        CpuActivations out = new CpuActivations(1, channels, 1, count, outBits,
                                outBits > 0 ? new byte[count * channels] : null, outBits > 0 ? null : new float[count * channels]);
                        EpilogueKernel.apply(fromInts ? ints : null, fromInts ? null : sums, count, c, res, out, 0);
                        for (int i = 0; i < count * channels; i++) {
                            int o = i % channels;
                            float v = Epilogue.scale(fromInts ? (float) ints[i] : sums[i], scale[o], bias[o]);
                            if (res != null) v += res.value(i);
                            String what = "a" + outBits + " C" + channels + (res == null ? "" : " residual a" + res.bits()) + " at " + i + " (y " + v + ")";
                            float t = Math.min(Math.max(v, 0f), 1f) * levels;
                            if (outBits > 0 && t - (float) Math.floor(t) == 0.5f) ties++;
                            if (outBits > 0) assertEquals(Epilogue.quantize(v, levels), out.codes()[i] & 0xff, what);
                            else if (Float.isNaN(v)) assertTrue(Float.isNaN(out.values()[i]), what);   // which NaN payload survives is the CPU's choice
                            else assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(out.values()[i]), what);
                        }
                    }
                }
            }
        }
        assertTrue(ties > 100, "ties of y·levels exercised: " + ties);
    }

    /** Per-channel start offsets (the integer row kernels' centring) are added to the int sums before scaling, in the vector lanes and past them. */
    @Test
    void addsStartOffsetsToIntSumsBeforeScaling() {
        Random rng = new Random(8);
        for (int channels : new int[] {3, 16, 37, 64}) {
            int count = 5, sumStride = channels + 11, levels = 255;
            float[] scale = new float[channels], bias = new float[channels];
            int[] start = new int[channels + 11];
            for (int o = 0; o < channels; o++) {
                scale[o] = (float) (0.001 + rng.nextDouble() * 0.01);
                bias[o] = (float) (rng.nextDouble() * 0.2 - 0.1);
                start[o] = rng.nextInt(20001) - 10000;
            }
            PackedConv c = new PackedConv("e", 1, channels, 1, 1, 0, WeightEncoding.F32, 0, null, new float[channels], scale, scale, bias);
            int[] ints = new int[3 + count * sumStride];
            for (int i = 0; i < ints.length; i++) ints[i] = rng.nextInt(40001) - 20000;
            for (int outBits : new int[] {0, 8}) {
                CpuActivations out = new CpuActivations(1, channels, 1, count, outBits,
                        outBits > 0 ? new byte[count * channels] : null, outBits > 0 ? null : new float[count * channels]);
                EpilogueKernel.apply(ints, start, null, 3, sumStride, count, c, null, out, 0, false);
                for (int r = 0; r < count; r++)
                    for (int o = 0; o < channels; o++) {
                        float v = Epilogue.scale((float) (ints[3 + r * sumStride + o] + start[o]), scale[o], bias[o]);
                        String what = "C" + channels + " a" + outBits + " pixel " + r + " channel " + o;
                        if (outBits > 0) assertEquals(Epilogue.quantize(v, levels), out.codes()[r * channels + o] & 0xff, what);
                        else assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(out.values()[r * channels + o]), what);
                    }
            }
        }
    }

    private static byte[] rndCodes(Random rng, int n, int max) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(max + 1);
        return b;
    }
}
