package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.ReferenceBackend;
import dev.apprentice.quant.packed.ImageTasks;
import dev.apprentice.quant.packed.PackedNetwork;
import dev.apprentice.quant.WeightEncoding;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.kernel.FloatRowKernel;
import dev.apprentice.engine.kernel.ShortRowKernel;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CpuBackend against ReferenceBackend, bit for bit: assertArrayEquals on codes, and on floats by their bits. */
class CpuBackendTest {
    private static final WeightEncoding[] PACKED = {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8};
    private final Random rng = new Random(17);
    private final ReferenceBackend ref = new ReferenceBackend();
    private final CpuBackend cpu = new CpuBackend();

    /**
     * A random layer whose outputs spread over [0, 1] and beyond (so clamping, rounding and ties
     * all happen): out_scale ≈ 1 / (typical |acc|), bias around 0.3.
     */
    private PackedConv layer(WeightEncoding e, int in, int out, int k, int s, int p, int inBits) {
        int depth = in * k * k;
        float[] weightScale = new float[out], outScale = new float[out], outBias = new float[out];
        double typical = e == WeightEncoding.F32 ? Math.sqrt(depth) * 0.5
                : Math.sqrt(depth) * e.maxCode * 0.6 * (inBits > 0 ? (1 << inBits) - 1 : 1) * 0.5;
        for (int o = 0; o < out; o++) {
            weightScale[o] = 0.01f + rng.nextFloat();
            outScale[o] = (float) ((0.5 + rng.nextDouble()) / typical);
            outBias[o] = (float) (rng.nextDouble() * 0.8 - 0.2);
        }
        if (e == WeightEncoding.F32) {
            float[] w = new float[out * depth];
            for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
            return new PackedConv("f32", in, out, k, s, p, e, inBits, null, w, weightScale, outScale, outBias);
        }
        int[] codes = new int[out * depth];
        for (int i = 0; i < codes.length; i++) codes[i] = rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
        return new PackedConv(e.name().toLowerCase(), in, out, k, s, p, e, inBits, e.pack(codes, out, depth), null, weightScale, outScale, outBias);
    }

    private float[] image(int n) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    /** The same activations on both backends: codes made by a 1×1 F32 layer from a random image. */
    private LowBitBackend.Activations[] codes(int batch, int channels, int h, int w, int bits) {
        PackedConv toCodes = layer(WeightEncoding.F32, channels, channels, 1, 1, 0, 0);
        float[] img = image(batch * channels * h * w);
        LowBitBackend.Activations r = ref.conv(ref.upload(img, batch, channels, h, w), ref.prepare(toCodes), null, bits);
        LowBitBackend.Activations c = cpu.conv(cpu.upload(img, batch, channels, h, w), cpu.prepare(toCodes), null, bits);
        assertArrayEquals(ReferenceBackend.codes(r), CpuBackend.codes(c));
        return new LowBitBackend.Activations[] {r, c};
    }

    private static void assertSame(LowBitBackend.Activations expected, LowBitBackend.Activations actual, String what) {
        assertEquals(expected.bits(), actual.bits(), what);
        assertEquals(expected.channels(), actual.channels(), what);
        assertEquals(expected.height(), actual.height(), what);
        assertEquals(expected.width(), actual.width(), what);
        if (expected.bits() > 0) {
            int[] codes = ReferenceBackend.codes(expected);
            assertArrayEquals(codes, CpuBackend.codes(actual), what);
            int levels = (1 << expected.bits()) - 1;
            int low = 0, high = 0;
            for (int c : codes) {
                if (c == 0) low++;
                if (c == levels) high++;
            }
            assertTrue(low < codes.length && high < codes.length, what + ": degenerate test data, every code clamped");
        } else {
            assertArrayEquals(ReferenceBackend.values(expected), CpuBackend.values(actual), what);
        }
    }

    private void checkConv(PackedConv conv, int batch, int h, int w, int outBits, boolean floatResidual, boolean codeResidual) {
        LowBitBackend.Activations[] in = conv.inBits() == 0 ? null : codes(batch, conv.inChannels(), h, w, conv.inBits());
        float[] img = conv.inBits() == 0 ? image(batch * conv.inChannels() * h * w) : null;
        LowBitBackend.Activations rin = in == null ? ref.upload(img, batch, conv.inChannels(), h, w) : in[0];
        LowBitBackend.Activations cin = in == null ? cpu.upload(img, batch, conv.inChannels(), h, w) : in[1];
        int oh = conv.outSize(h), ow = conv.outSize(w);
        LowBitBackend.Activations rres = null, cres = null;
        if (codeResidual) {
            LowBitBackend.Activations[] res = codes(batch, conv.outChannels(), oh, ow, 2 + rng.nextInt(7));
            rres = res[0];
            cres = res[1];
        } else if (floatResidual) {
            float[] v = image(batch * conv.outChannels() * oh * ow);
            for (int i = 0; i < v.length; i++) v[i] *= 0.3f;
            rres = ref.upload(v, batch, conv.outChannels(), oh, ow);
            cres = cpu.upload(v, batch, conv.outChannels(), oh, ow);
        }
        String what = conv + " batch " + batch + " " + h + "×" + w + " out a" + outBits + (codeResidual ? " +code residual" : floatResidual ? " +float residual" : "");
        assertSame(ref.conv(rin, ref.prepare(conv), rres, outBits), cpu.conv(cin, cpu.prepare(conv), cres, outBits), what);
    }

    @Test
    void packedConvolutionsMatchTheReferenceBitForBit() {
        int[][] geometries = {{3, 1, 1}, {3, 2, 1}, {1, 2, 0}, {1, 1, 0}, {3, 1, 0}, {5, 2, 2}};
        for (WeightEncoding e : PACKED) {
            for (int[] g : geometries) {
                for (int inBits : new int[] {2, 4, 8}) {
                    int in = 1 + rng.nextInt(20), out = 1 + rng.nextInt(40);
                    PackedConv conv = layer(e, in, out, g[0], g[1], g[2], inBits);
                    for (int outBits : new int[] {0, 2, 4, 8}) {
                        int batch = rng.nextBoolean() ? 1 : 5;
                        checkConv(conv, batch, 5 + rng.nextInt(6), 5 + rng.nextInt(6), outBits, false, false);
                    }
                }
            }
        }
    }

    @Test
    void residualsAsCodesAndAsFloats() {
        for (WeightEncoding e : PACKED) {
            PackedConv same = layer(e, 16, 16, 3, 1, 1, 8), down = layer(e, 8, 16, 3, 2, 1, 4);
            for (int outBits : new int[] {0, 2, 4, 8}) {
                checkConv(same, 5, 8, 8, outBits, false, true);
                checkConv(same, 1, 7, 9, outBits, true, false);
                checkConv(down, 5, 9, 8, outBits, false, true);
                checkConv(down, 5, 8, 8, outBits, true, false);
            }
        }
    }

    @Test
    void f32LayersFollowTheSpecifiedFloatOrder() {
        for (int outBits : new int[] {0, 2, 4, 8}) {
            checkConv(layer(WeightEncoding.F32, 3, 16, 3, 1, 1, 0), 5, 11, 10, outBits, false, false);
            checkConv(layer(WeightEncoding.F32, 1, 8, 3, 2, 1, 0), 1, 28, 28, outBits, false, false);
            checkConv(layer(WeightEncoding.F32, 6, 5, 3, 1, 1, 4), 5, 6, 7, outBits, false, true);
            checkConv(layer(WeightEncoding.F32, 6, 5, 1, 2, 0, 8), 1, 6, 7, outBits, true, false);
        }
    }

    /** int8 weights on 520 channels: one tap's sum (520 · 127 · 255) is past float's exact integers, so the plain integer path runs. */
    @Test
    void layersTooDeepForFloatSumsTakeTheExactIntegerPath() {
        for (int[] g : new int[][] {{3, 1, 1}, {1, 2, 0}}) {
            PackedConv deep = layer(WeightEncoding.INT8, 520, 6, g[0], g[1], g[2], 8);
            assertTrue(((CpuBackend.Prepared) cpu.prepare(deep)).deepWeights() != null, "the exact integer path");
            for (int outBits : new int[] {0, 8}) checkConv(deep, 2, 5, 4, outBits, false, outBits > 0);
        }
    }

    @Test
    void largeLayersAcrossManyPixelBlocksAndThreadCounts() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (WeightEncoding e : PACKED) checkConv(layer(e, 32, 70, 3, 1, 1, 8), 3, 17, 19, 4, false, true);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** The ResNet-20 stages on 28×28 images, whose rows the row kernel covers 14 and 7 pixels a call. */
    @Test
    void resNetStageShapesByEveryRowStep() {
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.INT4, WeightEncoding.INT8}) {
            checkConv(layer(e, 16, 16, 3, 1, 1, 8), 2, 28, 28, 8, false, true);
            checkConv(layer(e, 32, 32, 3, 1, 1, 8), 3, 14, 14, 8, false, true);
            checkConv(layer(e, 64, 64, 3, 1, 1, 8), 3, 7, 7, 8, false, true);
        }
        checkConv(layer(WeightEncoding.TERNARY, 32, 32, 3, 1, 1, 8), 3, 14, 14, 8, false, true);
        // the stages' first layers, stride 2 (the integer row kernel where a vector of shorts of channels fits)
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4}) {
            PackedConv down1 = layer(e, 16, 32, 3, 2, 1, 8), down2 = layer(e, 32, 64, 3, 2, 1, 4);
            org.junit.jupiter.api.Assertions.assertEquals(ShortRowKernel.LANES <= 32, CpuBackend.byShorts(down1), down1.toString());
            checkConv(down1, 3, 28, 28, 8, false, true);
            checkConv(down2, 2, 14, 14, 4, true, false);
            checkConv(down2, 1, 13, 15, 8, false, false);
        }
    }

    /**
     * The integer row kernel's worst cases: every weight +maxCode in one output channel and −maxCode in the
     * next, over many input channels, and every activation the top code or the code 0 (the kernel sees codes
     * centred, {@link ShortLayer}: 0 is the largest magnitude, whose products cancel only through the start
     * sums), so each 16-bit partial sum reaches its bound before a flush; the layer must take that path at
     * this width.
     */
    @Test
    void theIntegerRowKernelAtTheWorstCaseCodes() {
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4})
            for (int inBits : new int[] {4, 8})
                for (int out : new int[] {Math.max(32, ShortRowKernel.LANES), ShortRowKernel.PAIRED_CHANNELS})
                    for (boolean sparse : new boolean[] {false, true}) worstCase(e, inBits, out, sparse);
    }

    /**
     * One worst case: every weight ±maxCode with one sign per output channel or, sparse, a quarter of them (the
     * rest 0), so that the flush interval follows from the weights ({@link ShortLayer#flushEvery(int[], int, int, int, int)})
     * and is longer than the encoding's uniform one.
     */
    private void worstCase(WeightEncoding e, int inBits, int out, boolean sparse) {
        int in = 67, depth = in * 9;
        int[] codes = new int[out * depth];
        for (int i = 0; i < codes.length; i++)
            codes[i] = sparse && rng.nextInt(4) != 0 ? 0 : (i / depth) % 2 == 0 ? e.maxCode : -e.maxCode;
        float[] scale = new float[out];
        java.util.Arrays.fill(scale, 1f / (depth * e.maxCode * ((1 << inBits) - 1)));
        PackedConv conv = new PackedConv("worst", in, out, 3, 1, 1, e, inBits, e.pack(codes, out, depth), null, TestModels.ones(out), scale, new float[out]);
        assertTrue(out >= ShortRowKernel.LANES ? CpuBackend.byShorts(conv) : CpuBackend.byPairs(conv), conv + " runs through the integer row kernel");
        int uniform = ShortLayer.flushEvery(conv), interval = ((CpuBackend.Prepared) cpu.prepare(conv)).shorts().flushEvery();
        if (sparse && uniform < 3 * in) assertTrue(interval > uniform, conv + ": sparse weights flush every " + interval + " steps, no more than " + uniform);
        if (!sparse) assertEquals(uniform, interval, conv + ": weights at the encoding's bound flush at its interval");
        for (float bias : new float[] {2f, -2f}) {
            // every input code the top one (or 0): a 1×1 F32 layer whose bias saturates
            PackedConv edge = new PackedConv("edge", in, in, 1, 1, 0, WeightEncoding.F32, 0, null, new float[in * in], TestModels.ones(in), TestModels.ones(in), filled(in, bias));
            float[] img = image(3 * in * 9 * 9);
            LowBitBackend.Activations r = ref.conv(ref.upload(img, 3, in, 9, 9), ref.prepare(edge), null, inBits);
            LowBitBackend.Activations c = cpu.conv(cpu.upload(img, 3, in, 9, 9), cpu.prepare(edge), null, inBits);
            assertEquals(bias > 0 ? (1 << inBits) - 1 : 0, ReferenceBackend.codes(r)[0]);
            // codes 0 give sums of 0 (every output code the same, so floats only)
            for (int outBits : bias > 0 ? new int[] {0, 8} : new int[] {0})
                assertSame(ref.conv(r, ref.prepare(conv), null, outBits), cpu.conv(c, cpu.prepare(conv), null, outBits),
                        e + " a" + inBits + " codes " + ReferenceBackend.codes(r)[0] + " out " + outBits);
        }
    }

    /** Layers of half a vector of shorts of channels run two images at a time: odd and even batches, residuals, against the reference. */
    @Test
    void pairedImagesMatchTheReferenceBitForBit() {
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4})
            for (int out : new int[] {ShortRowKernel.PAIRED_CHANNELS, ShortRowKernel.LANES - 1}) {
                PackedConv conv = layer(e, 5 + rng.nextInt(20), out, 3, 1, 1, e == WeightEncoding.INT4 ? 4 : rng.nextBoolean() ? 8 : 4);
                assertTrue(CpuBackend.byPairs(conv), conv + " runs two images at a time");
                for (int batch : new int[] {1, 2, 3}) {
                    checkConv(conv, batch, 9, 11, 8, false, true);
                    checkConv(conv, batch, 14, 14, 0, true, false);
                }
            }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void poolLinearMatchesOnCodesAndOnFloats() {
        PackedConv classifier = layer(WeightEncoding.F32, 24, 10, 1, 1, 0, 8);
        for (int bits : new int[] {2, 4, 8}) {
            for (int batch : new int[] {1, 5}) {
                LowBitBackend.Activations[] x = codes(batch, 24, 7, 6, bits);
                float[] expected = ref.poolLinear(x[0], ref.prepare(classifier)), actual = cpu.poolLinear(x[1], cpu.prepare(classifier));
                assertEquals(batch * 10, actual.length);
                assertArrayEquals(expected, actual, "a" + bits + " batch " + batch);
            }
        }
        float[] v = image(5 * 24 * 7 * 6);
        assertArrayEquals(ref.poolLinear(ref.upload(v, 5, 24, 7, 6), ref.prepare(classifier)),
                cpu.poolLinear(cpu.upload(v, 5, 24, 7, 6), cpu.prepare(classifier)), "float input");
        assertThrows(IllegalArgumentException.class, () -> cpu.poolLinear(cpu.upload(v, 5, 24, 7, 6), cpu.prepare(layer(WeightEncoding.F32, 24, 10, 3, 1, 1, 0))));
        assertThrows(IllegalArgumentException.class, () -> cpu.poolLinear(cpu.upload(v, 5, 24, 7, 6), cpu.prepare(layer(WeightEncoding.F32, 12, 10, 1, 1, 0, 0))));
    }

    /** A small residual network end to end: image → F32 conv → packed blocks with a shortcut → pool → classifier. */
    @Test
    void aSmallNetworkEndToEnd() {
        for (WeightEncoding e : PACKED) {
            PackedConv stem = layer(WeightEncoding.F32, 1, 16, 3, 1, 1, 0);
            PackedConv c1 = layer(e, 16, 16, 3, 1, 1, 8), c2 = layer(e, 16, 16, 3, 1, 1, 8);
            PackedConv down = layer(e, 16, 32, 3, 2, 1, 8), shortcut = layer(e, 16, 32, 1, 2, 0, 8);
            PackedConv fc = layer(WeightEncoding.F32, 32, 10, 1, 1, 0, 8);
            float[] img = image(5 * 14 * 14);
            float[][] logits = new float[2][];
            LowBitBackend[] backends = {ref, cpu};
            for (int i = 0; i < 2; i++) {
                LowBitBackend b = backends[i];
                LowBitBackend.Activations x = b.conv(b.upload(img, 5, 1, 14, 14), b.prepare(stem), null, 8);
                LowBitBackend.Activations h = b.conv(x, b.prepare(c1), null, 8);
                x = b.conv(h, b.prepare(c2), x, 8);
                LowBitBackend.Activations s = b.conv(x, b.prepare(shortcut), null, 0);
                x = b.conv(x, b.prepare(down), s, 8);
                logits[i] = b.poolLinear(x, b.prepare(fc));
            }
            assertNotNull(logits[1]);
            assertArrayEquals(logits[0], logits[1], e + " network");
        }
    }

    /**
     * A whole packed network on the CPU, whose batches run as image tasks (two and three threads,
     * one thread with a batch beyond a task), against the reference backend, which takes each batch whole.
     */
    @Test
    void aNetworkSplitByImagesMatchesTheReferenceBitForBit() {
        for (WeightEncoding e : PACKED) {
            java.util.Map<String, PackedConv> layers = new java.util.LinkedHashMap<>();
            layers.put("conv", rename(layer(WeightEncoding.F32, 1, 16, 3, 1, 1, 0), "conv"));
            layers.put("layers.0.c1", rename(layer(e, 16, 16, 3, 1, 1, 4), "layers.0.c1"));
            layers.put("layers.0.c2", rename(layer(e, 16, 16, 3, 1, 1, 4), "layers.0.c2"));
            layers.put("layers.1.c1", rename(layer(e, 16, 32, 3, 2, 1, 4), "layers.1.c1"));
            layers.put("layers.1.c2", rename(layer(e, 32, 32, 3, 1, 1, 4), "layers.1.c2"));
            layers.put("layers.1.sc.0", rename(layer(e, 16, 32, 1, 2, 0, 4), "layers.1.sc.0"));
            layers.put("fc", rename(layer(WeightEncoding.F32, 32, 10, 1, 1, 0, 4), "fc"));
            PackedModel model = new PackedModel(java.util.Map.of("activation_bits", "4"), layers);
            int batch = 9;
            float[] images = image(batch * 12 * 12);
            float[] expected = new PackedNetwork(model, ref).logits(images, batch, 1, 12, 12);
            int before = Parallel.threads();
            try {
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    assertTrue(ImageTasks.splits(batch), threads + " threads split a batch of " + batch);
                    assertArrayEquals(expected, new PackedNetwork(model, cpu).logits(images, batch, 1, 12, 12), e + ", " + threads + " threads");
                }
            } finally {
                Parallel.setThreads(before);
            }
        }
    }

    private static PackedConv rename(PackedConv c, String name) {
        return new PackedConv(name, c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(), c.encoding(), c.inBits(), c.codes(),
                c.weights(), c.weightScale(), c.outScale(), c.outBias());
    }

    @Test
    void rejectsMismatchedInputs() {
        PackedConv conv = layer(WeightEncoding.TERNARY, 4, 8, 3, 1, 1, 4);
        LowBitBackend.Layer l = cpu.prepare(conv);
        LowBitBackend.Activations wrongBits = codes(1, 4, 5, 5, 8)[1];
        assertThrows(IllegalArgumentException.class, () -> cpu.conv(wrongBits, l, null, 4));
        LowBitBackend.Activations wrongChannels = codes(1, 5, 5, 5, 4)[1];
        assertThrows(IllegalArgumentException.class, () -> cpu.conv(wrongChannels, l, null, 4));
        LowBitBackend.Activations ok = codes(1, 4, 5, 5, 4)[1];
        LowBitBackend.Activations badResidual = codes(1, 8, 4, 5, 4)[1];
        assertThrows(IllegalArgumentException.class, () -> cpu.conv(ok, l, badResidual, 4));
        assertThrows(IllegalArgumentException.class, () -> cpu.conv(ok, l, null, 9));
        assertThrows(IllegalArgumentException.class, () -> cpu.conv(ref.upload(new float[100], 1, 4, 5, 5), l, null, 4));
        assertThrows(IllegalArgumentException.class, () -> cpu.upload(new float[99], 1, 4, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> cpu.conv(ok, ref.prepare(conv), null, 4));
        byte[] damaged = conv.codes().clone();
        damaged[0] = (byte) 0b10;
        PackedConv bad = new PackedConv("bad", 4, 8, 3, 1, 1, WeightEncoding.TERNARY, 4, damaged, null, conv.weightScale(), conv.outScale(), conv.outBias());
        assertThrows(IllegalArgumentException.class, () -> cpu.prepare(bad));
    }

    /**
     * Inside a step arena, conv outputs reuse the previous step's arrays without zeroing them: the
     * results must not depend on what those arrays held (every element is written).
     */
    @Test
    void outputsFromTheStepArenaHoldNothingOfTheirLastUse() {
        for (int outBits : new int[] {0, 2, 4, 8}) {
            PackedConv c = layer(WeightEncoding.TERNARY, 24, 40, 3, 1, 1, 8);
            LowBitBackend.Layer prepared = cpu.prepare(c), reference = ref.prepare(c);
            var first = codes(4, 24, 30, 30, 8);
            var second = codes(4, 24, 30, 30, 8);
            try (var arena = dev.apprentice.engine.tensor.StepArena.open()) {
                cpu.conv(first[1], prepared, null, outBits); // fills the arrays the next step reuses
            }
            try (var arena = dev.apprentice.engine.tensor.StepArena.open()) {
                assertSame(ref.conv(second[0], reference, null, outBits), cpu.conv(second[1], prepared, null, outBits), "out bits " + outBits);
            }
        }
    }
}
