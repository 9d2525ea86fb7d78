package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.DeviceBuffer;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.LowBitBackend.Activations;
import dev.apprentice.quant.packed.LowBitBackend.Layer;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.ReferenceBackend;
import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CudaBackend on a real GPU against ReferenceBackend, bit for bit: every kernel on random shapes
 * with ragged edges, and a small network end to end. Skipped (with the reason) where
 * {@link CudaBackend#available()} is false, as on CI ({@link RequiresGpu}).
 */
@ExtendWith(RequiresGpu.class)
class CudaBackendGpuTest {
    private static CudaBackend gpu;

    @BeforeAll
    static void openGpu() {
        gpu = new CudaBackend();
        System.err.println("CudaBackendGpuTest on " + gpu.device());
    }

    @AfterAll
    static void closeGpu() {
        if (gpu != null) gpu.close();
    }

    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"TERNARY", "INT4", "INT8"})
    void randomPackedConvolutionsAreBitExact(WeightEncoding e) {
        Random r = new Random(1000 + e.ordinal());
        for (int trial = 0; trial < 60; trial++) {
            boolean linear = trial % 3 == 0;
            int k = linear ? 1 : 1 + 2 * r.nextInt(3);
            int pad = linear ? 0 : r.nextInt(k / 2 + 1), stride = linear ? 1 : 1 + r.nextInt(2);
            int in = 1 + r.nextInt(linear ? 600 : 80), out = 1 + r.nextInt(150), batch = 1 + r.nextInt(linear ? 40 : 4);
            int h = linear ? 1 : k + r.nextInt(12), w = linear ? 1 : k + r.nextInt(12);
            int inBits = new int[] {2, 4, 8}[r.nextInt(3)];
            PackedConv c = TestLayers.packed(r, "t" + trial, e, in, out, k, stride, pad, inBits);
            int resBits = new int[] {-1, 0, 4, 8}[r.nextInt(4)];
            int outBits = new int[] {0, 2, 4, 8}[r.nextInt(4)];
            ConvShape s = ConvShape.of(c, batch, h, w);
            compare(r, c, s, resBits, outBits, null);
            if (s.dense()) { // the other kernel on the same shape
                compare(r, c, s, resBits, outBits, LaunchPlan.gemm(s, e));
                if (s.pixels() <= 64) compare(r, c, s, resBits, outBits, LaunchPlan.gemv(s, e, KernelId.GEMV_ROWS[r.nextInt(KernelId.GEMV_ROWS.length)]));
            }
        }
    }

    @Test
    void f32ConvolutionsAreBitExact() {
        Random r = new Random(2000);
        for (int trial = 0; trial < 30; trial++) {
            int k = 1 + 2 * r.nextInt(3), pad = r.nextInt(k / 2 + 1), stride = 1 + r.nextInt(2);
            int inBits = new int[] {0, 0, 4, 8}[r.nextInt(4)];
            PackedConv c = TestLayers.f32(r, "f" + trial, 1 + r.nextInt(8), 1 + r.nextInt(40), k, stride, pad, inBits);
            ConvShape s = ConvShape.of(c, 1 + r.nextInt(4), k + r.nextInt(20), k + r.nextInt(20));
            compare(r, c, s, new int[] {-1, 0, 8}[r.nextInt(3)], new int[] {0, 8, 4}[r.nextInt(3)], null);
        }
    }

    @Test
    void theFp32GemmSumsInOrderWithFma() {
        Random r = new Random(3000);
        int[][] shapes = {{1, 1, 1}, {65, 70, 33}, {130, 9, 64}, {3, 129, 250}, {256, 256, 256}, {17, 5, 1001}};
        for (int[] g : shapes) {
            int m = g[0], n = g[1], k = g[2];
            float[] a = TestLayers.floats(r, m * k), w = TestLayers.floats(r, n * k), scale = TestLayers.floats(r, n), bias = TestLayers.floats(r, n);
            float[] got = new float[m * n];
            try (DeviceBuffer da = DeviceBuffer.of(a); DeviceBuffer dw = DeviceBuffer.of(w); DeviceBuffer ds = DeviceBuffer.of(scale);
                 DeviceBuffer db = DeviceBuffer.of(bias); DeviceBuffer dc = DeviceBuffer.allocate(4L * m * n)) {
                FloatGemm.launch(gpu, m, n, k, da, dw, ds, db, dc);
                dc.copyTo(got);
            }
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int kk = 0; kk < k; kk++) acc = Math.fma(a[i * k + kk], w[j * k + kk], acc);
                    assertEquals(Float.floatToIntBits(Epilogue.scale(acc, scale[j], bias[j])), Float.floatToIntBits(got[i * n + j]),
                            m + "×" + k + "×" + n + " at " + i + "," + j);
                }
        }
    }

    /** Stem, packed blocks with code and float residuals, a strided shortcut, pooling and classifier. */
    @Test
    void aSmallNetworkIsBitExactLayerByLayer() {
        Random r = new Random(4000);
        PackedConv stem = TestLayers.f32(r, "stem", 3, 16, 3, 1, 1, 0);
        PackedConv c1 = TestLayers.packed(r, "l1.c1", WeightEncoding.TERNARY, 16, 16, 3, 1, 1, 8);
        PackedConv c2 = TestLayers.packed(r, "l1.c2", WeightEncoding.TERNARY, 16, 16, 3, 1, 1, 4);
        PackedConv d1 = TestLayers.packed(r, "l2.c1", WeightEncoding.INT4, 16, 32, 3, 2, 1, 8);
        PackedConv sc = TestLayers.packed(r, "l2.shortcut", WeightEncoding.INT4, 16, 32, 1, 2, 0, 8);
        PackedConv d2 = TestLayers.packed(r, "l2.c2", WeightEncoding.INT8, 32, 32, 3, 1, 1, 4);
        PackedConv fc = TestLayers.f32(r, "fc", 32, 10, 1, 1, 0, 8);
        float[] image = TestLayers.floats(r, 5 * 3 * 15 * 13);
        ReferenceBackend ref = new ReferenceBackend();

        Net refNet = new Net(ref, stem, c1, c2, d1, sc, d2, fc);
        Net gpuNet = new Net(gpu, stem, c1, c2, d1, sc, d2, fc);
        Activations[] refActs = refNet.forward(image);
        Activations[] gpuActs = gpuNet.forward(image);
        String[] names = {"stem", "l1.c1", "l1.c2 + stem", "l2.c1", "l2.shortcut (floats)", "l2.c2 + shortcut"};
        for (int i = 0; i < names.length; i++) {
            int bits = refActs[i].bits();
            assertEquals(bits, gpuActs[i].bits());
            if (bits > 0) assertArrayEquals(ReferenceBackend.codes(refActs[i]), gpu.codes(gpuActs[i]), names[i]);
            else assertArrayEquals(floatBits(ReferenceBackend.values(refActs[i])), floatBits(gpu.values(gpuActs[i])), names[i]);
        }
        assertArrayEquals(floatBits(ref.poolLinear(refActs[5], refNet.fc)), floatBits(gpu.poolLinear(gpuActs[5], gpuNet.fc)), "logits");
    }

    @Test
    void freedActivationsAreRecycledNotReallocated() {
        Random r = new Random(5000);
        PackedConv c = TestLayers.packed(r, "c", WeightEncoding.TERNARY, 8, 8, 3, 1, 1, 8);
        Layer l = gpu.prepare(c);
        Activations x = gpu.uploadCodes(bytes(TestLayers.codes(r, 2 * 8 * 6 * 6, 8)), 2, 8, 6, 6, 8);
        Activations y = gpu.conv(x, l, null, 8);
        gpu.free(y);
        int held = gpu.pooledBuffers();
        for (int i = 0; i < 10; i++) gpu.free(gpu.conv(x, l, null, 8));
        assertEquals(held, gpu.pooledBuffers());
        gpu.free(x);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> gpu.free(x));
        assertTrue(twice.getMessage().contains("already freed"), twice.getMessage());
    }

    @Test
    void misuseIsRefusedWithAMessage() {
        Random r = new Random(6000);
        Layer l = gpu.prepare(TestLayers.packed(r, "c", WeightEncoding.INT4, 4, 4, 3, 1, 1, 8));
        Activations floats = gpu.upload(new float[4 * 9], 1, 4, 3, 3);
        Activations wrongChannels = gpu.uploadCodes(new byte[5 * 9], 1, 5, 3, 3, 8);
        Activations codes = gpu.uploadCodes(new byte[4 * 9], 1, 4, 3, 3, 8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gpu.conv(floats, l, null, 8)).getMessage().contains("expects 8-bit code input"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gpu.conv(wrongChannels, l, null, 8)).getMessage().contains("takes 4 channels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gpu.conv(codes, l, null, 9)).getMessage().contains("1 to 8 bits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gpu.conv(codes, l, wrongChannels, 8)).getMessage().contains("residual"));
        Activations foreign = new ReferenceBackend().upload(new float[4 * 9], 1, 4, 3, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gpu.conv(foreign, l, null, 8)).getMessage().contains("do not belong"));
        assertThrows(IllegalArgumentException.class, () -> gpu.uploadCodes(new byte[] {(byte) 16}, 1, 1, 1, 1, 4));
        for (Activations a : new Activations[] {floats, wrongChannels, codes}) gpu.free(a);
    }

    @Test
    void aClosedBackendRefusesWorkAndClosesOnce() {
        CudaBackend b = new CudaBackend();
        Layer l = b.prepare(TestLayers.packed(new Random(7), "c", WeightEncoding.TERNARY, 4, 4, 1, 1, 0, 8));
        b.conv(b.uploadCodes(new byte[4], 1, 4, 1, 1, 8), l, null, 8);
        b.close();
        b.close();
        assertThrows(IllegalStateException.class, () -> b.upload(new float[1], 1, 1, 1, 1));
    }

    private static void compare(Random r, PackedConv c, ConvShape s, int resBits, int outBits, LaunchPlan plan) {
        ReferenceBackend ref = new ReferenceBackend();
        int inBits = c.inBits();
        int[] inCodes = inBits > 0 ? TestLayers.codes(r, s.inputSize(), inBits) : null;
        float[] inValues = inBits > 0 ? null : TestLayers.floats(r, s.inputSize());
        int[] resCodes = resBits > 0 ? TestLayers.codes(r, s.outputSize(), resBits) : null;
        float[] resValues = resBits == 0 ? TestLayers.floats(r, s.outputSize()) : null;

        Activations rx = inBits > 0 ? HostBuildTest.referenceCodes(ref, inCodes, s.batch(), s.inChannels(), s.inHeight(), s.inWidth(), inBits)
                                    : ref.upload(inValues, s.batch(), s.inChannels(), s.inHeight(), s.inWidth());
        Activations rr = resBits < 0 ? null : resBits == 0 ? ref.upload(resValues, s.batch(), s.outChannels(), s.outHeight(), s.outWidth())
                : HostBuildTest.referenceCodes(ref, resCodes, s.batch(), s.outChannels(), s.outHeight(), s.outWidth(), resBits);
        int[] expected = HostBuildTest.outputOf(ref.conv(rx, ref.prepare(c), rr, outBits), outBits);

        Activations gx = inBits > 0 ? gpu.uploadCodes(bytes(inCodes), s.batch(), s.inChannels(), s.inHeight(), s.inWidth(), inBits)
                                    : gpu.upload(inValues, s.batch(), s.inChannels(), s.inHeight(), s.inWidth());
        Activations gr = resBits < 0 ? null : resBits == 0 ? gpu.upload(resValues, s.batch(), s.outChannels(), s.outHeight(), s.outWidth())
                : gpu.uploadCodes(bytes(resCodes), s.batch(), s.outChannels(), s.outHeight(), s.outWidth(), resBits);
        Activations gy = gpu.conv(gx, gpu.prepare(c), gr, outBits, plan);
        int[] got = outBits > 0 ? gpu.codes(gy) : floatBits(gpu.values(gy));
        String what = c + " on " + s + " via " + (plan == null ? LaunchPlan.conv(s, c.encoding()) : plan);
        assertArrayEquals(expected, got, what);
        gpu.free(gx);
        gpu.free(gy);
        if (gr != null) gpu.free(gr);
    }

    /** The same layers prepared on one backend, run as a tiny two-block ResNet. */
    private static final class Net {
        final LowBitBackend b;
        final Layer stem, c1, c2, d1, sc, d2, fc;

        Net(LowBitBackend b, PackedConv... layers) {
            this.b = b;
            stem = b.prepare(layers[0]);
            c1 = b.prepare(layers[1]);
            c2 = b.prepare(layers[2]);
            d1 = b.prepare(layers[3]);
            sc = b.prepare(layers[4]);
            d2 = b.prepare(layers[5]);
            fc = b.prepare(layers[6]);
        }

        Activations[] forward(float[] image) {
            Activations x = b.upload(image, 5, 3, 15, 13);
            Activations s = b.conv(x, stem, null, 8);               // floats → 8-bit codes
            Activations h1 = b.conv(s, c1, null, 4);                // ternary, 4-bit out
            Activations o1 = b.conv(h1, c2, s, 8);                  // + code residual
            Activations h2 = b.conv(o1, d1, null, 4);               // int4, stride 2
            Activations shortcut = b.conv(o1, sc, null, 0);         // 1×1 stride 2, float out
            Activations o2 = b.conv(h2, d2, shortcut, 8);           // int8 + float residual
            b.free(x);
            return new Activations[] {s, h1, o1, h2, shortcut, o2};
        }
    }

    private static byte[] bytes(int[] codes) {
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) b[i] = (byte) codes[i];
        return b;
    }

    private static int[] floatBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = Float.floatToIntBits(v[i]);
        return bits;
    }
}
