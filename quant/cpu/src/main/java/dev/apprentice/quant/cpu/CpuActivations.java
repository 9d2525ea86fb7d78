package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.engine.tensor.StepArena;

/**
 * Activations of the CPU backend, stored NHWC (channels innermost), so that an im2col row of a
 * convolution is kh·kw runs of C contiguous codes: codes as unsigned bytes (bits 2..8), or floats
 * (bits = 0). The public shape is NCHW like every backend's; {@link #toNchwCodes} and
 * {@link #toNchwValues} convert for comparisons.
 */
record CpuActivations(int batch, int channels, int height, int width, int bits, byte[] codes, float[] values)
        implements LowBitBackend.Activations {

    int levels() {
        return (1 << bits) - 1;
    }

    int pixels() {
        return height * width;
    }

    static CpuActivations fromNchw(float[] nchw, int batch, int channels, int height, int width) {
        return fromNchw(nchw, 0, batch, channels, height, width);
    }

    /** Images [first, first + batch) of an NCHW array. */
    static CpuActivations fromNchw(float[] nchw, int first, int batch, int channels, int height, int width) {
        int hw = height * width, at = first * channels * hw;
        float[] nhwc = StepArena.overwritten(batch * channels * hw);   // every element written below
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < hw; p++) nhwc[(b * hw + p) * channels + c] = nchw[at + (b * channels + c) * hw + p];
        return new CpuActivations(batch, channels, height, width, 0, null, nhwc);
    }

    int[] toNchwCodes() {
        if (codes == null) return null;
        int hw = pixels();
        int[] out = new int[codes.length];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < hw; p++) out[(b * channels + c) * hw + p] = codes[(b * hw + p) * channels + c] & 0xff;
        return out;
    }

    float[] toNchwValues() {
        if (values == null) return null;
        int hw = pixels();
        float[] out = new float[values.length];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < hw; p++) out[(b * channels + c) * hw + p] = values[(b * hw + p) * channels + c];
        return out;
    }

    /** The real value at NHWC index i: the float, or the code dequantized as the epilogue specifies. */
    float value(int i) {
        return bits > 0 ? Epilogue.dequantize(codes[i] & 0xff, levels()) : values[i];
    }
}
