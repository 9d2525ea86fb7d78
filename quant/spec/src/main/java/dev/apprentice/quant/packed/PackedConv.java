package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

import java.util.Arrays;

/**
 * One layer of a packed network as stored in the file, with batchnorm folded in: a convolution
 * (a linear layer is a 1×1 convolution over a 1×1 input) whose output channel o is
 * {@code Epilogue.scale(acc, outScale[o], outBias[o])}.
 *
 * <p>For a packed layer, acc = Σ_k q[o][k] · u[k] in int32, with q the weight codes (see
 * {@link WeightEncoding}) and u the input's activation codes (0 .. 2^inBits − 1), so
 * outScale = weightScale · (1 / (2^inBits − 1)) · γ / √(σ² + ε). For an F32 layer acc is the float
 * sum of weight · input value. Weights are never expanded to float on the packed path.
 *
 * @param name        the layer's module name in the float model ("layers.0.c1")
 * @param inBits      bits of the input activation codes; 0 when the input is floats (the image).
 *                    Packed layers always take codes; F32 layers take either (codes are dequantized)
 * @param codes       packed weight codes, outChannels × encoding.rowBytes(K) bytes; null for F32
 * @param weights     float weights (outChannels × K, OIHW) for F32 layers; null otherwise
 * @param weightScale real weight = code · weightScale[o] (kept for inspection and export)
 */
public record PackedConv(String name, int inChannels, int outChannels, int kernel, int stride, int padding,
                         WeightEncoding encoding, int inBits, byte[] codes, float[] weights,
                         float[] weightScale, float[] outScale, float[] outBias) {

    public PackedConv {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0)
            throw new IllegalArgumentException(name + ": bad geometry " + inChannels + "→" + outChannels + " k" + kernel + " s" + stride + " p" + padding);
        if (inBits != 0 && (inBits < 2 || inBits > 8))
            throw new IllegalArgumentException(name + ": input codes must have 2..8 bits, got " + inBits);
        int k = depth(inChannels, kernel);
        if (encoding == WeightEncoding.F32) {
            if (weights == null || weights.length != (long) outChannels * k || codes != null)
                throw new IllegalArgumentException(name + ": an F32 layer needs " + (long) outChannels * k + " float weights and no codes");
        } else {
            if (codes == null || codes.length != (long) outChannels * encoding.rowBytes(k) || weights != null)
                throw new IllegalArgumentException(name + ": a " + encoding + " layer needs " + (long) outChannels * encoding.rowBytes(k) + " bytes of codes and no float weights");
            if (inBits == 0)
                throw new IllegalArgumentException(name + ": a " + encoding + " layer needs activation codes as input (inBits > 0)");
        }
        for (float[] v : new float[][] {weightScale, outScale, outBias})
            if (v == null || v.length != outChannels)
                throw new IllegalArgumentException(name + ": per-channel vectors must have " + outChannels + " values");
    }

    /** K: weights per output channel. */
    public int depth() {
        return depth(inChannels, kernel);
    }

    private static int depth(int inChannels, int kernel) {
        return Math.multiplyExact(inChannels, kernel * kernel);
    }

    public int outSize(int in) {
        return (in + 2 * padding - kernel) / stride + 1;
    }

    /** Integer codes of output channel o (unpacked; for tests, re-packing and reference code). */
    public int[] rowCodes(int o) {
        int[] q = new int[depth()];
        encoding.unpackRow(codes, o, depth(), q);
        return q;
    }

    /** Bytes the layer's parameters take in a file (codes or weights, plus the three vectors). */
    public long bytes() {
        long w = encoding == WeightEncoding.F32 ? 4L * weights.length : codes.length;
        return w + 12L * outChannels;
    }

    @Override
    public String toString() {
        return name + ": " + encoding + " " + inChannels + "→" + outChannels + " " + kernel + "×" + kernel
                + " s" + stride + " p" + padding + (inBits == 0 ? ", float input" : ", a" + inBits + " input");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackedConv p && name.equals(p.name) && inChannels == p.inChannels && outChannels == p.outChannels
                && kernel == p.kernel && stride == p.stride && padding == p.padding && encoding == p.encoding && inBits == p.inBits
                && Arrays.equals(codes, p.codes) && Arrays.equals(weights, p.weights) && Arrays.equals(weightScale, p.weightScale)
                && Arrays.equals(outScale, p.outScale) && Arrays.equals(outBias, p.outBias);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(outScale);
    }
}
