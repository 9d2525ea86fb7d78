package dev.apprentice.quant.kernel;

import dev.apprentice.quant.WeightEncoding;

/**
 * A convolution's integer weight codes laid out for {@link dev.apprentice.engine.kernel.FloatTapKernel}: output channels in
 * tiles of L (the lanes of one float vector: 16 at 512 bits), and per tile, per kernel tap, per
 * input channel, the L channels' codes as floats (exact: |q| ≤ 127), one vector load per input
 * channel: weights[((tile·taps + t)·paddedChannels + c)·L + lane] is the code of output channel
 * tile·L + lane, tap t, input channel c. Input channels are padded to a multiple of 4 (the
 * kernel's unrolling) and output channels to a multiple of L, with zero codes. {@link #ofFloats}
 * lays out real weights the same way, for a full-precision network on the same kernels.
 *
 * <p>A loaded model does not hold these floats: it keeps each layer as {@link TapCodes} (the
 * file's bits per weight) and decodes one layer at a time into a per-thread buffer right before
 * its convolution (ResNet-20: all layers in 27 µs a forward pass, against ~700 µs for the pass at
 * batch 1), so resident weights stay 2 or 4 bits each while the kernels read float codes.
 *
 * <p>Why the kernels read floats and not the 2/4/8-bit codes: decoding packed words in registers (two
 * shifts and a conversion per 16 weights, all on the vector ports the FMAs need) cost more than
 * it saved; a layer's floats (at most 148 KB in ResNet-20) stay in L2. Measured on ResNet-20
 * a8w4, batch 1, one core (thread CPU time): 700 → 950 img/s. Two more alternatives measured
 * 2026-11-26 (JMH, ResNet-20, 2 threads, 2 forks each, same minutes): codes held as signed bytes and
 * widened to floats in registers (vpmovsxbd + vcvtdq2ps per 16 weights) ran a8w2 at 0.59× (batch 1)
 * and 0.68× (batch 64) of this layout, a8w4 at 0.80× and 0.85× (the conversions share ports 0 and 5
 * with the FMAs; on the 16-channel layer alone they cost only 1–7%); a 16-bit integer row kernel
 * (vpmullw + vpaddw, flushed to int32 before overflow; the Vector API has no vpmaddwd/VNNI) ran the
 * 16→16 28×28 int4 layer at 0.40× this kernel, 0.52–0.56× even without the flushes.
 */
public final class TapWeights {
    /** Output channels per tile: the lanes of one float vector (16 at 512 bits). */
    public static final int LANES = dev.apprentice.engine.vector.VectorWidth.FLOAT_LANES;
    /** Input channels are padded to a multiple of this (the tap kernel's unrolling). */
    static final int CHANNEL_STEP = dev.apprentice.engine.kernel.FloatTapKernel.CHANNEL_STEP;

    private final WeightEncoding encoding;
    final int rows, taps, channels, paddedChannels, tiles;
    final float[] weights;

    private TapWeights(WeightEncoding encoding, int rows, int taps, int channels, float[] weights) {
        this.encoding = encoding;
        this.rows = rows;
        this.taps = taps;
        this.channels = channels;
        this.paddedChannels = paddedChannels(channels);
        this.tiles = tiles(rows);
        int floats = Math.multiplyExact(Math.multiplyExact(tiles * LANES, taps), paddedChannels);
        this.weights = weights != null ? weights : new float[floats];
        if (this.weights.length < floats) throw new IllegalArgumentException(this.weights.length + " floats for a layer of " + floats);
    }

    /** A layer whose codes {@link TapCodes#decode} has just written into buf (which may be longer). */
    static TapWeights over(WeightEncoding encoding, int rows, int taps, int channels, float[] buf) {
        return new TapWeights(encoding, rows, taps, channels, buf);
    }

    /**
     * Lays out codes given as rows × (taps · channels), each row in (tap, channel) order, each
     * code within ±encoding.maxCode (validated).
     */
    public static TapWeights pack(WeightEncoding encoding, int[] codes, int rows, int taps, int channels) {
        checkCodes(encoding, codes, rows, taps, channels);
        float[] values = new float[codes.length];
        for (int i = 0; i < codes.length; i++) values[i] = codes[i];
        return layOut(encoding, values, rows, taps, channels);
    }

    /**
     * Real (float) weights in the same layout, for a full-precision network on these kernels (sums
     * in float, not exact): rows × (taps · channels), each row in (tap, channel) order.
     */
    public static TapWeights ofFloats(float[] weights, int rows, int taps, int channels) {
        if (rows < 1 || taps < 1 || channels < 1 || weights.length != (long) rows * taps * channels)
            throw new IllegalArgumentException(weights.length + " weights for " + rows + " rows of " + taps + " taps × " + channels + " channels");
        return layOut(WeightEncoding.F32, weights, rows, taps, channels);
    }

    /** rows × (taps · channels) values, each row in (tap, channel) order, into the kernels' layout. */
    private static TapWeights layOut(WeightEncoding encoding, float[] values, int rows, int taps, int channels) {
        TapWeights w = new TapWeights(encoding, rows, taps, channels, null);
        int depth = taps * channels;
        for (int o = 0; o < rows; o++)
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < channels; c++)
                    w.weights[(((o / LANES) * taps + t) * w.paddedChannels + c) * LANES + o % LANES] = values[o * depth + t * channels + c];
        return w;
    }

    /** Rejects codes that are not rows × (taps · channels) valid codes of the encoding (shared with {@link TapCodes#pack}). */
    static void checkCodes(WeightEncoding encoding, int[] codes, int rows, int taps, int channels) {
        if (encoding == WeightEncoding.F32) throw new IllegalArgumentException("F32 weights have no integer kernel");
        if (rows < 1 || taps < 1 || channels < 1 || codes.length != (long) rows * taps * channels)
            throw new IllegalArgumentException(codes.length + " codes for " + rows + " rows of " + taps + " taps × " + channels + " channels");
        for (int q : codes)
            if (Math.abs(q) > encoding.maxCode) throw new IllegalArgumentException("code " + q + " is not a valid " + encoding + " code");
    }

    /** Input channels as laid out: padded to a multiple of {@link #CHANNEL_STEP}. */
    static int paddedChannels(int channels) {
        return (channels + CHANNEL_STEP - 1) / CHANNEL_STEP * CHANNEL_STEP;
    }

    /** 16-channel tiles covering the output channels. */
    static int tiles(int rows) {
        return (rows + LANES - 1) / LANES;
    }

    public WeightEncoding encoding() {
        return encoding;
    }

    /** Output channels (unpadded). */
    public int rows() {
        return rows;
    }

    public int tiles() {
        return tiles;
    }

    /** The laid-out weights as {@link dev.apprentice.engine.kernel.FloatRowKernel} reads them; callers must not change them. */
    public float[] floats() {
        return weights;
    }

    public int taps() {
        return taps;
    }

    /** Input channels per tap as the kernel reads them: activations must be laid out with this many per pixel. */
    public int paddedChannels() {
        return paddedChannels;
    }

    /**
     * The most taps one kernel pass may sum in float and stay exact: every partial sum is an
     * integer of magnitude at most maxCode · maxActivation · taps · channels, exact in float up
     * to 2^24. Ternary and int4 layers of any realistic size take all their taps in one pass
     * (int4 up to K = 9398 at 8-bit activations); int8 splits deep layers (K ≤ 518 a pass).
     * Returns 0 when not even one tap fits.
     */
    public int maxTapsPerPass(int maxActivation) {
        return maxTapsPerPass(encoding, taps, channels, maxActivation);
    }

    static int maxTapsPerPass(WeightEncoding encoding, int taps, int channels, int maxActivation) {
        if (encoding == WeightEncoding.F32) return taps;   // real weights: float sums, nothing to keep exact
        long perTap = (long) encoding.maxCode * Math.max(1, maxActivation) * channels;
        return (int) Math.min(taps, (1L << 24) / perTap);
    }
}
