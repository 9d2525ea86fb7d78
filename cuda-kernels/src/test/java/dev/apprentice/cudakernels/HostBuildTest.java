package dev.apprentice.cudakernels;

import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.quant.packed.LowBitBackend.Activations;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.ReferenceBackend;
import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernels' per-element code (the headers in src/main/cuda, compiled for the host by g++)
 * against Java: weight unpacking against WeightEncoding, the epilogue against Epilogue, and
 * whole launches — the same tiles, grids (from LaunchPlan) and index math the GPU runs, block by
 * block and phase by phase — against ReferenceBackend, bit for bit. What this cannot check is
 * what only a GPU does (dp4a itself, shuffles, real concurrency); CudaBackendGpuTest does.
 */
class HostBuildTest {
    private static HostCheck host;

    @BeforeAll
    static void buildHostCheck() {
        Optional<HostCheck> h = HostCheck.get();
        assumeTrue(h.isPresent(), "no g++ or c++ on PATH: the host build of the CUDA kernels' code is not checked");
        host = h.get();
        if (!host.sanitized) System.err.println("HostBuildTest: the compiler cannot link sanitizers; running without them");
    }

    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"TERNARY", "INT4", "INT8"})
    void unpackedGroupsAreTheFilesCodes(WeightEncoding e) {
        Random r = new Random(11 + e.ordinal());
        for (int k : new int[] {1, 5, 16, 63, 100, 257}) {
            int rows = 3;
            int[] codes = new int[rows * k];
            for (int i = 0; i < codes.length; i++) codes[i] = r.nextInt(2 * e.maxCode + 1) - e.maxCode;
            byte[] file = e.pack(codes, rows, k);
            int[] words = GpuWeightLayout.repack(e, file, rows, k);
            int[] unpacked = host.run(new HostCommands().word("unpack").i(e.bits).i(words.length).ints(words).end().toString()).get(0);
            int rowWords = GpuWeightLayout.rowWords(e, k), perRow = rowWords * GpuWeightLayout.codesPerWord(e);
            assertEquals(rows * perRow, unpacked.length);
            int[] row = new int[k];
            for (int o = 0; o < rows; o++) {
                e.unpackRow(file, o, k, row);
                for (int i = 0; i < perRow; i++)
                    assertEquals(i < k ? row[i] : 0, unpacked[o * perRow + i], e + " k=" + k + " row " + o + " code " + i);
            }
        }
    }

    @Test
    void quantizeIsEpilogueQuantize() {
        List<Float> ys = new ArrayList<>(List.of(Float.NaN, -0f, 0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, 0.99999994f, 1.0000001f, 0.5f));
        for (int levels : new int[] {1, 3, 15, 127, 255})
            for (int c = 0; c <= levels; c++) { // exact ties between two codes, and their neighbours
                float tie = (c + 0.5f) / levels;
                ys.add(tie);
                ys.add(Math.nextUp(tie));
                ys.add(Math.nextDown(tie));
            }
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) ys.add((float) (r.nextGaussian() * 0.7 + 0.5));
        float[] y = new float[ys.size()];
        for (int i = 0; i < y.length; i++) y[i] = ys.get(i);
        for (int levels : new int[] {1, 3, 15, 127, 255}) {
            int[] got = host.run(new HostCommands().word("quantize").i(levels).i(y.length).floats(y).end().toString()).get(0);
            for (int i = 0; i < y.length; i++) assertEquals(Epilogue.quantize(y[i], levels), got[i], "y=" + y[i] + " levels " + levels);
        }
    }

    @Test
    void finishIsTheEpilogue() {
        Random r = new Random(5);
        int n = 3000;
        HostCommands cmd = new HostCommands().word("finish").i(n);
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            float acc = i % 50 == 0 ? r.nextInt() : r.nextInt(20001) - 10000; // some far past float's exact ints
            float scale = (float) (r.nextGaussian() * 1e-4), bias = (float) r.nextGaussian();
            int resBits = r.nextInt(10) - 1; // -1 none, 0 floats, 1 .. 8 codes
            int outBits = r.nextInt(9);      // 0 floats, 1 .. 8 codes
            int resRaw = resBits > 0 ? r.nextInt(1 << resBits) : Float.floatToRawIntBits((float) r.nextGaussian());
            float y = Epilogue.scale(acc, scale, bias);
            if (resBits == 0) y += Float.intBitsToFloat(resRaw);
            else if (resBits > 0) y += Epilogue.dequantize(resRaw, (1 << resBits) - 1);
            expected[i] = outBits > 0 ? Epilogue.quantize(y, (1 << outBits) - 1) : Float.floatToIntBits(y);
            cmd.f(acc).f(scale).f(bias).i(resBits).i(resRaw).i(outBits);
        }
        int[] got = host.run(cmd.end().toString()).get(0);
        for (int i = 0; i < n; i++) got[i] = canonical(got[i], expected[i]);
        assertArrayEquals(expected, got);
    }

    /** Packed convolutions of every geometry kind, on the grids LaunchPlan picks. */
    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"TERNARY", "INT4", "INT8"})
    void lowBitConvolutionsMatchTheReference(WeightEncoding e) {
        Random r = new Random(100 + e.ordinal());
        // batch, in, h, w, out, kernel, stride, pad, inBits
        int[][] shapes = {
                {2, 16, 8, 8, 16, 3, 1, 1, 8},   // a ResNet block's conv
                {3, 5, 7, 9, 70, 3, 2, 1, 4},    // ragged everything, stride 2, channels past one tile
                {1, 33, 5, 5, 65, 1, 1, 0, 8},   // 1×1 over a 5×5 map: gathered, not dense
                {2, 7, 6, 6, 9, 5, 1, 2, 2},     // kernel 5, 2-bit inputs
                {2, 130, 3, 3, 3, 3, 1, 1, 8},   // K = 1170: many K tiles, last one partial
                {1, 3, 2, 2, 5, 3, 3, 2, 8},     // window mostly padding
                {17, 64, 1, 1, 10, 1, 1, 0, 8},  // linear, batch 17: dense rows through the tiled kernel
                {70, 36, 1, 1, 70, 1, 1, 0, 4},  // dense, ragged pixel and channel tiles
                {5, 30, 1, 1, 6, 1, 1, 0, 8},    // linear with K % 4 != 0: gathered
                {1, 256, 1, 1, 33, 1, 1, 0, 8},  // GEMV, one row
                {3, 100, 1, 1, 17, 1, 1, 0, 8},  // GEMV, 4-row kernel with a row to spare
                {16, 64, 1, 1, 9, 1, 1, 0, 4},   // GEMV, 16 rows
                {9, 4100, 1, 1, 8, 1, 1, 0, 8},  // GEMV, 9 of 16 rows; K = 4100: lanes take several chunks
        };
        int variant = 0;
        for (int[] g : shapes) {
            PackedConv c = TestLayers.packed(r, "conv" + variant, e, g[1], g[4], g[5], g[6], g[7], g[8]);
            int resBits = new int[] {-1, 8, 0, 4}[variant % 4];
            int outBits = new int[] {8, 4, 0, 2, 8}[variant % 5];
            ConvShape s = ConvShape.of(c, g[0], g[2], g[3]);
            checkLowBit(r, c, s, LaunchPlan.conv(s, e), resBits, outBits);
            variant++;
        }
    }

    /** The GEMV kernel on several row blocks (gridDim.y > 1), which LaunchPlan.conv never picks today. */
    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"TERNARY", "INT4", "INT8"})
    void gemvOverSeveralRowBlocks(WeightEncoding e) {
        Random r = new Random(200 + e.ordinal());
        PackedConv c = TestLayers.packed(r, "fc", e, 72, 20, 1, 1, 0, 8);
        for (int rows : KernelId.GEMV_ROWS) {
            ConvShape s = ConvShape.of(c, 7, 1, 1);
            checkLowBit(r, c, s, LaunchPlan.gemv(s, e, rows), rows % 2 == 0 ? 8 : -1, 8);
        }
    }

    @Test
    void f32ConvolutionsMatchTheReference() {
        Random r = new Random(300);
        // batch, in, h, w, out, kernel, stride, pad, inBits
        int[][] shapes = {{2, 3, 9, 7, 16, 3, 1, 1, 0}, {1, 5, 6, 6, 7, 3, 2, 1, 8}, {3, 4, 5, 5, 3, 1, 1, 0, 4}, {1, 2, 4, 4, 2, 5, 1, 2, 0}};
        ReferenceBackend ref = new ReferenceBackend();
        int variant = 0;
        for (int[] g : shapes) {
            PackedConv c = TestLayers.f32(r, "f32_" + variant, g[1], g[4], g[5], g[6], g[7], g[8]);
            ConvShape s = ConvShape.of(c, g[0], g[2], g[3]);
            int inBits = g[8];
            int[] inCodes = inBits > 0 ? TestLayers.codes(r, s.inputSize(), inBits) : null;
            float[] inValues = inBits > 0 ? null : TestLayers.floats(r, s.inputSize());
            Activations x = inBits > 0 ? referenceCodes(ref, inCodes, g[0], g[1], g[2], g[3], inBits) : ref.upload(inValues, g[0], g[1], g[2], g[3]);
            int resBits = new int[] {-1, 0, 8, -1}[variant];
            int outBits = new int[] {8, 0, 4, 0}[variant];
            Residual res = residual(r, ref, s, resBits);
            int[] expected = outputOf(ref.conv(x, ref.prepare(c), res.activations, outBits), outBits);
            LaunchPlan plan = LaunchPlan.conv(s, WeightEncoding.F32);
            HostCommands cmd = new HostCommands().word("convf32").i(plan.gridX()).ints(s.kernelArgs()).i(inBits).floats(c.weights());
            if (inBits > 0) cmd.ints(inCodes);
            else cmd.floats(inValues);
            cmd.floats(c.outScale()).floats(c.outBias()).residual(resBits, res.codes, res.values).i(outBits).end();
            assertOutput(expected, host.run(cmd.toString()).get(0), outBits, c.name());
            variant++;
        }
    }

    @Test
    void sgemmSumsInOrderWithFma() {
        Random r = new Random(400);
        int[][] shapes = {{1, 1, 1}, {5, 7, 3}, {64, 64, 16}, {65, 70, 33}, {130, 9, 64}, {3, 129, 250}, {17, 5, 1000}};
        for (int[] g : shapes) {
            int m = g[0], n = g[1], k = g[2];
            float[] a = TestLayers.floats(r, m * k), w = TestLayers.floats(r, n * k), scale = TestLayers.floats(r, n), bias = TestLayers.floats(r, n);
            int[] expected = new int[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int kk = 0; kk < k; kk++) acc = Math.fma(a[i * k + kk], w[j * k + kk], acc);
                    expected[i * n + j] = Float.floatToIntBits(Epilogue.scale(acc, scale[j], bias[j]));
                }
            LaunchPlan plan = LaunchPlan.sgemm(m, n, k);
            int[] got = host.run(new HostCommands().word("sgemm").i(m).i(n).i(k).i(plan.gridX()).i(plan.gridY())
                    .floats(a).floats(w).floats(scale).floats(bias).end().toString()).get(0);
            assertOutput(expected, got, 0, m + "×" + k + "×" + n);
        }
    }

    @Test
    void poolLinearMatchesTheReference() {
        Random r = new Random(500);
        ReferenceBackend ref = new ReferenceBackend();
        // batch, channels, h, w, classes, bits
        int[][] shapes = {{3, 16, 4, 4, 10, 8}, {2, 64, 1, 1, 7, 4}, {1, 300, 3, 5, 11, 0}, {5, 9, 8, 8, 2, 2}};
        for (int[] g : shapes) {
            int batch = g[0], ch = g[1], h = g[2], w = g[3], classes = g[4], bits = g[5];
            PackedConv fc = TestLayers.f32(r, "fc", ch, classes, 1, 1, 0, bits);
            int n = batch * ch * h * w;
            int[] codes = bits > 0 ? TestLayers.codes(r, n, bits) : null;
            float[] values = bits > 0 ? null : TestLayers.floats(r, n);
            Activations x = bits > 0 ? referenceCodes(ref, codes, batch, ch, h, w, bits) : ref.upload(values, batch, ch, h, w);
            float[] logits = ref.poolLinear(x, ref.prepare(fc));
            int[] expected = new int[logits.length];
            for (int i = 0; i < logits.length; i++) expected[i] = Float.floatToIntBits(logits[i]);
            HostCommands cmd = new HostCommands().word("pool").i(bits).i(batch).i(ch).i(h * w).i(classes);
            if (bits > 0) cmd.ints(codes);
            else cmd.floats(values);
            cmd.floats(fc.weights()).floats(fc.outScale()).floats(fc.outBias()).end();
            assertOutput(expected, host.run(cmd.toString()).get(0), 0, "pool " + java.util.Arrays.toString(g));
        }
    }

    private void checkLowBit(Random r, PackedConv c, ConvShape s, LaunchPlan plan, int resBits, int outBits) {
        ReferenceBackend ref = new ReferenceBackend();
        int[] in = TestLayers.codes(r, s.inputSize(), c.inBits());
        Activations x = referenceCodes(ref, in, s.batch(), s.inChannels(), s.inHeight(), s.inWidth(), c.inBits());
        Residual res = residual(r, ref, s, resBits);
        int[] expected = outputOf(ref.conv(x, ref.prepare(c), res.activations, outBits), outBits);
        int[] words = GpuWeightLayout.repack(c.encoding(), c.codes(), c.outChannels(), c.depth());
        String kind = plan.kernel().entry().startsWith("ak_gemv") ? "gemv" : "gemm";
        String cmd = new HostCommands().word("lowbit").word(kind).i(c.encoding().bits).i(plan.rowsPerBlock()).i(plan.gridX()).i(plan.gridY())
                .ints(s.kernelArgs()).ints(words).ints(in).floats(c.outScale()).floats(c.outBias())
                .residual(resBits, res.codes, res.values).i(outBits).end().toString();
        assertOutput(expected, host.run(cmd).get(0), outBits, c + " on " + s + " via " + plan);
    }

    private record Residual(Activations activations, int[] codes, float[] values) {}

    private static Residual residual(Random r, ReferenceBackend ref, ConvShape s, int bits) {
        if (bits < 0) return new Residual(null, null, null);
        if (bits == 0) {
            float[] v = TestLayers.floats(r, s.outputSize());
            return new Residual(ref.upload(v, s.batch(), s.outChannels(), s.outHeight(), s.outWidth()), null, v);
        }
        int[] codes = TestLayers.codes(r, s.outputSize(), bits);
        return new Residual(referenceCodes(ref, codes, s.batch(), s.outChannels(), s.outHeight(), s.outWidth(), bits), codes, null);
    }

    static Activations referenceCodes(ReferenceBackend ref, int[] codes, int batch, int ch, int h, int w, int bits) {
        Activations a = TestLayers.uploadCodes(ref, codes, batch, ch, h, w, bits);
        assertArrayEquals(codes, ReferenceBackend.codes(a), "the identity layer must reproduce the codes");
        return a;
    }

    /** Codes, or floats as (canonical-NaN) bit patterns. */
    static int[] outputOf(Activations a, int outBits) {
        if (outBits > 0) return ReferenceBackend.codes(a);
        float[] v = ReferenceBackend.values(a);
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = Float.floatToIntBits(v[i]);
        return bits;
    }

    private static void assertOutput(int[] expected, int[] got, int outBits, String what) {
        assertEquals(expected.length, got.length, what + ": output size");
        for (int i = 0; i < expected.length; i++) {
            int g = outBits > 0 ? got[i] : canonical(got[i], expected[i]);
            if (g != expected[i])
                throw new AssertionError(what + ": output " + i + " is " + describe(got[i], outBits) + ", the reference says " + describe(expected[i], outBits));
        }
    }

    /** Any NaN equals any NaN (payloads differ between Java, the host and the GPU). */
    private static int canonical(int bits, int expected) {
        float f = Float.intBitsToFloat(bits);
        return Float.isNaN(f) && Float.isNaN(Float.intBitsToFloat(expected)) ? expected : bits;
    }

    private static String describe(int v, int outBits) {
        return outBits > 0 ? "code " + v : Float.intBitsToFloat(v) + " (0x" + Integer.toHexString(v) + ")";
    }
}
