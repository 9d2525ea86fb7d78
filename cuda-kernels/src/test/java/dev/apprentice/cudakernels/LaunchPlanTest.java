package dev.apprentice.cudakernels;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchPlanTest {

    /** A layer of the geometry (all codes 0: only shapes matter here). */
    private static PackedConv layer(WeightEncoding e, int in, int out, int k, int stride, int pad) {
        return new PackedConv("l", in, out, k, stride, pad, e, 8, new byte[out * e.rowBytes(in * k * k)], null,
                new float[out], new float[out], new float[out]);
    }

    @Test
    void denseRowsUpToSixteenGoToTheGemvKernelWithTheSmallestRowCountThatHoldsThem() {
        int[][] expectations = {{1, 1}, {2, 2}, {3, 4}, {4, 4}, {5, 8}, {8, 8}, {9, 16}, {16, 16}};
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8}) {
            for (int[] x : expectations) {
                ConvShape s = ConvShape.of(layer(e, 4096, 4096, 1, 1, 0), x[0], 1, 1);
                LaunchPlan p = LaunchPlan.conv(s, e);
                assertEquals(KernelId.gemv(e, x[1]), p.kernel(), "batch " + x[0]);
                assertEquals(x[1], p.rowsPerBlock());
                assertEquals(4096 / LaunchPlan.GEMV_CHANNELS, p.gridX());
                assertEquals(1, p.gridY());
                assertEquals(LaunchPlan.GEMV_THREADS, p.blockX());
            }
        }
    }

    @Test
    void largerBatchesAndConvolutionsGoToTheTiledKernel() {
        WeightEncoding e = WeightEncoding.TERNARY;
        assertEquals(KernelId.gemm(e), LaunchPlan.conv(ConvShape.of(layer(e, 4096, 4096, 1, 1, 0), 17, 1, 1), e).kernel());
        assertEquals(KernelId.gemm(e), LaunchPlan.conv(ConvShape.of(layer(e, 16, 16, 3, 1, 1), 1, 8, 8), e).kernel());
        // a 1×1 convolution over a map is not dense (its k-neighbours are a plane apart)
        assertEquals(KernelId.gemm(e), LaunchPlan.conv(ConvShape.of(layer(e, 64, 64, 1, 1, 0), 1, 2, 2), e).kernel());
        // nor is a linear layer whose rows are not word aligned
        ConvShape odd = ConvShape.of(layer(e, 30, 8, 1, 1, 0), 2, 1, 1);
        assertTrue(!odd.dense());
        assertEquals(KernelId.gemm(e), LaunchPlan.conv(odd, e).kernel());
        assertThrows(IllegalArgumentException.class, () -> LaunchPlan.gemv(odd, e, 2));
    }

    @Test
    void f32LayersRunTheDirectKernelOneThreadPerOutput() {
        PackedConv stem = TestLayers.f32(new Random(2), "stem", 3, 16, 3, 1, 1, 0);
        ConvShape s = ConvShape.of(stem, 128, 32, 32);
        LaunchPlan p = LaunchPlan.conv(s, WeightEncoding.F32);
        assertEquals(KernelId.CONV_F32, p.kernel());
        assertEquals(128 * 16 * 32 * 32 / 256, p.gridX());
        assertEquals(1, p.gridY());
    }

    /** Every output is inside exactly one block's tile, for many shapes with ragged edges. */
    @Test
    void gridsCoverEveryOutputAndNoWholeBlockIsIdle() {
        Random r = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            WeightEncoding e = WeightEncoding.values()[1 + r.nextInt(3)];
            int k = 1 + 2 * r.nextInt(3), pad = r.nextInt(k / 2 + 1), stride = 1 + r.nextInt(2);
            int in = 1 + r.nextInt(200), out = 1 + r.nextInt(300), batch = 1 + r.nextInt(40);
            int h = k + r.nextInt(20), w = k + r.nextInt(20);
            if (r.nextBoolean()) { // a linear layer
                k = 1; pad = 0; h = 1; w = 1;
            }
            ConvShape s = ConvShape.of(layer(e, in, out, k, stride, pad), batch, h, w);
            LaunchPlan p = LaunchPlan.conv(s, e);
            if (p.kernel().equals(KernelId.gemm(e))) {
                assertCovers(p.gridX(), LaunchPlan.GEMM_PIXELS, s.pixels());
                assertCovers(p.gridY(), LaunchPlan.GEMM_CHANNELS, s.outChannels());
            } else {
                assertTrue(s.dense() && s.pixels() <= LaunchPlan.GEMV_MAX_ROWS, s.toString());
                assertCovers(p.gridX(), LaunchPlan.GEMV_CHANNELS, s.outChannels());
                assertCovers(p.gridY(), p.rowsPerBlock(), s.pixels());
            }
            assertTrue(p.gridY() <= LaunchPlan.MAX_GRID_Y);
        }
    }

    private static void assertCovers(int blocks, int perBlock, int items) {
        assertTrue((long) blocks * perBlock >= items, blocks + " blocks of " + perBlock + " miss some of " + items);
        assertTrue((long) (blocks - 1) * perBlock < items, blocks + " blocks of " + perBlock + " for " + items + ": the last is idle");
    }

    @Test
    void sgemmTiles() {
        LaunchPlan p = LaunchPlan.sgemm(1024, 8192, 8192);
        assertEquals(16, p.gridX());
        assertEquals(128, p.gridY());
        LaunchPlan ragged = LaunchPlan.sgemm(65, 1, 3);
        assertEquals(2, ragged.gridX());
        assertEquals(1, ragged.gridY());
        assertThrows(IllegalArgumentException.class, () -> LaunchPlan.sgemm(0, 4, 4));
    }

    @Test
    void poolLinearKeepsThePooledVectorInSharedMemoryOrRefuses() {
        LaunchPlan p = LaunchPlan.poolLinear(128, 64);
        assertEquals(128, p.gridX());
        assertEquals(256, p.sharedBytes());
        assertEquals(LaunchPlan.MAX_SHARED_BYTES, LaunchPlan.poolLinear(1, 12288).sharedBytes());
        IllegalArgumentException tooWide = assertThrows(IllegalArgumentException.class, () -> LaunchPlan.poolLinear(1, 12289));
        assertTrue(tooWide.getMessage().contains("12288"), tooWide.getMessage());
    }

    @Test
    void tooManyChannelsForTheGridAreRefusedNotTruncated() {
        ConvShape huge = new ConvShape(1, 4, 1, 1, LaunchPlan.MAX_GRID_Y * 64 + 1, 1, 1, 1, 1, 0, 4, 1, 4, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LaunchPlan.gemm(huge, WeightEncoding.INT8));
        assertTrue(e.getMessage().contains("output channels"), e.getMessage());
    }

    @Test
    void everyGemvRowCountHasAKernel() {
        for (int rows = 1; rows <= LaunchPlan.GEMV_MAX_ROWS; rows++) {
            int r = LaunchPlan.rowsFor(rows);
            assertTrue(r >= rows && r < 2 * rows, rows + " → " + r);
            KernelId.gemv(WeightEncoding.INT4, r); // exists
        }
        assertThrows(IllegalArgumentException.class, () -> KernelId.gemv(WeightEncoding.INT4, 3));
    }
}
