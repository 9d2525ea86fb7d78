package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.quant.packed.ReferenceBackend;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.quant.WeightEncoding;

import dev.apprentice.engine.kernel.ShortRowKernel;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.quant.kernel.TapCodes;

/**
 * The packed operators on the CPU: direct convolutions over exact integer sums for packed layers
 * ({@link TapConvolution}), the specification's float loops for F32 layers, then {@link Epilogue},
 * bit-identical to {@link ReferenceBackend}.
 *
 * <p>Activations are kept NHWC ({@link CpuActivations}). Layers that no float kernel can sum
 * exactly (channels·maxCode·levels ≥ 2^24: int8 weights on 518 or more channels, ternary on 65,794)
 * take an integer im2col path in plain loops, Y[p][o] = Σ_k X[p][k]·q[o][k] over kh·kw runs of C
 * contiguous codes ({@link ConvTaps}), output pixels split over {@link Parallel} in blocks of
 * {@link #BLOCK} rows (F32 layers are split the same way). Each layer's weights are re-ordered to (ki, kj, c) order and re-packed once, in
 * {@link #prepare}.
 */
public final class CpuBackend implements LowBitBackend {
    /** Output pixels per im2col block (one prepared chunk of the kernels). */
    private static final int BLOCK = 64;

    /**
     * A layer as this backend runs it: F32 layers keep their weights transposed to [k][o] for
     * {@link F32Conv}; packed layers are re-packed as {@link TapCodes} (decoded per call) for {@link TapConvolution}
     * (ternary layers too: they beat the ternary lookup tables on every ResNet-20 layer, batch 1 and 64), or, when not even one tap can be summed exactly in float (channels·maxCode·levels ≥ 2^24, far
     * beyond ResNet-20's layers), as tap-major integer weights summed exactly by {@link ConvTaps#exactSums}.
     */
    record Prepared(PackedConv source, float[] transposed, TapCodes weights, int[] deepWeights, ShortLayer shorts) implements Layer {
        Prepared(PackedConv source, float[] transposed, TapCodes weights, int[] deepWeights) {
            this(source, transposed, weights, deepWeights, null);
        }
    }

    /**
     * Whether a packed layer runs through the integer row kernel: 3×3 at stride 1 or 2, ternary or 4-bit
     * weights whose 16-bit sums stay exact for at least one step, and at least a vector of shorts of
     * output channels (fewer leave lanes empty, and the float kernels' full vectors are then faster).
     */
    static boolean byShorts(PackedConv conv) {
        return integerRows(conv) && conv.stride() <= 2 && conv.outChannels() >= ShortRowKernel.LANES;
    }

    /**
     * Whether a packed layer with fewer output channels than a vector of shorts runs two images at a
     * time through the integer row kernel (at least half a vector: ResNet's 16-channel stage with
     * 512-bit vectors; an odd batch's last image pairs the top and bottom halves of its rows).
     */
    static boolean byPairs(PackedConv conv) {
        return integerRows(conv) && conv.stride() == 1 && conv.outChannels() < ShortRowKernel.LANES && conv.outChannels() >= ShortRowKernel.PAIRED_CHANNELS
                && ShortLayer.flushEvery(conv) >= MIN_PAIRED_FLUSH;
    }

    /**
     * Fewest channel steps between flushes for the paired kernel: a flush writes two images' sums, and
     * with 6 steps (8-bit codes and 4-bit weights, uncentred) the paired kernel measured slower than the
     * float kernels (Zen 5, 512 bits, 16 channels at 28 wide: 173 against 205 G(2·MAC)/s; ternary, 42 steps: 281).
     */
    private static final int MIN_PAIRED_FLUSH = 12;

    /** 3×3 with codes and ternary or 4-bit weights whose 16-bit sums stay exact for at least one channel step (any stride). */
    private static boolean integerRows(PackedConv conv) {
        return conv.kernel() == 3 && conv.inBits() > 0
                && (conv.encoding() == WeightEncoding.TERNARY || conv.encoding() == WeightEncoding.INT4)
                && ShortLayer.flushEvery(conv) >= 1;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Layer prepare(PackedConv conv) {
        if (conv.encoding() == WeightEncoding.F32) return new Prepared(conv, F32Conv.transpose(conv), null, null);
        int[] oihw = ConvTaps.unpackRows(conv);
        int[] tapOrder = ConvTaps.reorderWeights(oihw, conv.outChannels(), conv.inChannels(), conv.kernel(), conv.inChannels());
        if (byShorts(conv)) return new Prepared(conv, null, null, null, ShortLayer.of(conv, tapOrder, false));
        if (byPairs(conv)) return new Prepared(conv, null, null, null, ShortLayer.of(conv, tapOrder, true));
        TapCodes weights = TapCodes.pack(conv.encoding(), tapOrder, conv.outChannels(), conv.kernel() * conv.kernel(), conv.inChannels());
        if (weights.maxTapsPerPass((1 << conv.inBits()) - 1) >= 1) return new Prepared(conv, null, weights, null);
        if (conv.depth() > ConvTaps.MAX_EXACT_DEPTH)
            throw new IllegalArgumentException(conv.name() + ": " + conv.depth() + " products per output exceed the " + ConvTaps.MAX_EXACT_DEPTH
                    + " whose sum of codes int32 holds exactly");
        return new Prepared(conv, null, null, tapOrder);
    }

    @Override
    public boolean splitsByImage() {
        return true;
    }

    @Override
    public Activations upload(float[] nchw, int batch, int channels, int height, int width) {
        if (batch < 1 || channels < 1 || height < 1 || width < 1 || nchw.length != (long) batch * channels * height * width)
            throw new IllegalArgumentException(nchw.length + " values for " + batch + "×" + channels + "×" + height + "×" + width);
        return CpuActivations.fromNchw(nchw, batch, channels, height, width);
    }

    @Override
    public Activations conv(Activations input, Layer layer, Activations residual, int outBits) {
        CpuActivations x = own(input);
        if (!(layer instanceof Prepared prepared))
            throw new IllegalArgumentException("a layer prepared by another backend: " + (layer == null ? "null" : layer.getClass().getName()));
        PackedConv c = prepared.source();
        if (x.channels() != c.inChannels())
            throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, input has " + x.channels());
        if (x.bits() != c.inBits())
            throw new IllegalArgumentException(c.name() + " expects " + (c.inBits() == 0 ? "float" : c.inBits() + "-bit code") + " input, got "
                    + (x.bits() == 0 ? "floats" : x.bits() + "-bit codes"));
        if (outBits < 0 || outBits > 8)
            throw new IllegalArgumentException(c.name() + ": output codes must have at most 8 bits (0 for floats), got " + outBits);
        int oh = c.outSize(x.height()), ow = c.outSize(x.width()), outC = c.outChannels();
        if (oh < 1 || ow < 1) throw new IllegalArgumentException(c.name() + ": input " + x.height() + "×" + x.width() + " is smaller than the kernel");
        CpuActivations r = residual == null ? null : own(residual);
        if (r != null && (r.batch() != x.batch() || r.channels() != outC || r.height() != oh || r.width() != ow))
            throw new IllegalArgumentException(c.name() + ": residual shape does not match the output");
        int pixels = x.batch() * oh * ow;
        // every element is written below: from the caller's step arena when one is open (no zeroing, no garbage)
        CpuActivations out = new CpuActivations(x.batch(), outC, oh, ow, outBits,
                outBits > 0 ? StepArena.overwrittenBytes(pixels * outC) : null, outBits > 0 ? null : StepArena.overwritten(pixels * outC));
        ShortLayer shorts = prepared.shorts();
        if (shorts != null && shorts.paired()) {
            TapConvolution.runPairs(x, c, shorts, r, out);
            return out;
        }
        if (shorts != null && !shorts.paired()) {
            TapConvolution.runShorts(x, c, shorts, r, out);
            return out;
        }
        if (prepared.weights() != null) {
            TapConvolution.run(x, c, prepared.weights(), r, out);
            return out;
        }
        int[] deep = prepared.deepWeights();
        int blocks = (pixels + BLOCK - 1) / BLOCK;
        Parallel.forRange(blocks, (int) Math.max(1, TapConvolution.MIN_TASK_MACS / ((long) BLOCK * outC * c.depth())), (b0, b1) -> {
            int width = F32Conv.width(c);
            int[] sums = deep == null ? null : new int[BLOCK * outC];
            float[] floatSums = deep == null ? new float[BLOCK * width] : null;
            int taps = c.kernel() * c.kernel();
            int[] starts = deep == null ? null : new int[BLOCK * taps];
            for (int blk = b0; blk < b1; blk++) {
                int p0 = blk * BLOCK, count = Math.min(BLOCK, pixels - p0);
                if (deep == null) {
                    F32Conv.sums(x, c, prepared.transposed(), oh, ow, p0, count, floatSums);
                    EpilogueKernel.apply(null, floatSums, width, count, c, r, out, p0);
                } else {
                    ConvTaps.runStarts(x, c.kernel(), c.stride(), c.padding(), oh, ow, p0, count, starts);
                    ConvTaps.exactSums(x.codes(), starts, taps, c.inChannels(), deep, outC, count, sums);
                    EpilogueKernel.apply(sums, null, count, c, r, out, p0);
                }
            }
        });
        return out;
    }

    @Override
    public float[] poolLinear(Activations input, Layer classifier) {
        CpuActivations x = own(input);
        PackedConv c = classifier.source();
        if (c.encoding() != WeightEncoding.F32 || c.kernel() != 1)
            throw new IllegalArgumentException(c.name() + ": the classifier must be an F32 layer with kernel 1");
        if (x.channels() != c.inChannels())
            throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, input has " + x.channels());
        int n = x.batch(), ch = x.channels(), hw = x.pixels(), classes = c.outChannels();
        float[] logits = new float[n * classes];
        Parallel.forRange(n, 1, (b0, b1) -> {
            float[] pooled = new float[ch];
            for (int b = b0; b < b1; b++) {
                pool(x, b, pooled);
                for (int o = 0; o < classes; o++) {
                    float acc = 0f;
                    for (int ci = 0; ci < ch; ci++) acc = Math.fma(c.weights()[o * ch + ci], pooled[ci], acc);
                    logits[b * classes + o] = Epilogue.scale(acc, c.outScale()[o], c.outBias()[o]);
                }
            }
        });
        return logits;
    }

    /** Global average of image b: codes summed as int then / (levels·H·W); floats summed in pixel order then / (H·W). */
    private static void pool(CpuActivations x, int b, float[] pooled) {
        int ch = x.channels(), hw = x.pixels(), base = b * hw * ch;
        if (x.bits() > 0) {
            int[] sums = new int[ch];
            for (int p = 0; p < hw; p++)
                for (int ci = 0; ci < ch; ci++) sums[ci] += x.codes()[base + p * ch + ci] & 0xff;
            for (int ci = 0; ci < ch; ci++) pooled[ci] = (float) sums[ci] / (float) (x.levels() * hw);
        } else {
            java.util.Arrays.fill(pooled, 0f);
            for (int p = 0; p < hw; p++)
                for (int ci = 0; ci < ch; ci++) pooled[ci] += x.values()[base + p * ch + ci];
            for (int ci = 0; ci < ch; ci++) pooled[ci] = pooled[ci] / hw;
        }
    }

    @Override
    public void free(Activations activations) {
        own(activations);   // host memory: the garbage collector frees it
    }

    @Override
    public void close() {}

    /** The codes of a CPU activation in NCHW order (null for floats), for comparing backends. */
    public static int[] codes(Activations a) {
        return own(a).toNchwCodes();
    }

    /** The floats of a CPU activation in NCHW order (null for codes). */
    public static float[] values(Activations a) {
        return own(a).toNchwValues();
    }

    private static CpuActivations own(Activations a) {
        if (a instanceof CpuActivations c) return c;
        throw new IllegalArgumentException("activations of another backend: " + (a == null ? "null" : a.getClass().getName()));
    }
}
