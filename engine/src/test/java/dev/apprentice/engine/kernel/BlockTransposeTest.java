package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The register transpose of B × B blocks (B = the machine's lanes) against the index formula, at
 * several strides, offsets and scattered column destinations, written and added; whole images both
 * ways with partial blocks of pixels and of channels.
 */
class BlockTransposeTest {
    private static final int B = BlockTranspose.B;

    @Test
    void movesEveryElementWhereTheFormulaSays() {
        Random rng = new Random(71);
        for (int stride : new int[] {B, B + 1, 49, 196, 784}) {
            float[] src = new float[7 + B * stride + B];
            for (int i = 0; i < src.length; i++) src[i] = rng.nextFloat();
            int[] cols = new int[40];
            for (int j = 0; j < cols.length; j++) cols[j] = j * (B + 21) + (j % 3) * 5; // a column's B floats apart, unevenly
            int s0 = 7, c0 = 3, d0 = 11;
            float[] dst = new float[d0 + cols[cols.length - 1] + B];
            Arrays.fill(dst, Float.NaN);
            BlockTranspose.block(src, s0, stride, dst, d0, cols, c0, false, new float[BlockTranspose.BUFFER + 5], 5);
            float[] expected = new float[dst.length];
            Arrays.fill(expected, Float.NaN);
            for (int i = 0; i < B; i++)
                for (int j = 0; j < B; j++) expected[d0 + cols[c0 + j] + i] = src[s0 + i * stride + j];
            for (int k = 0; k < dst.length; k++)
                assertEquals(expected[k], dst[k], 0f, "stride " + stride + ", dst[" + k + "]"); // NaN where nothing belongs

            BlockTranspose.block(src, s0, stride, dst, d0, cols, c0, true, new float[BlockTranspose.BUFFER], 0); // now added to what it wrote: doubled
            for (int i = 0; i < B; i++)
                for (int j = 0; j < B; j++) expected[d0 + cols[c0 + j] + i] *= 2;
            for (int k = 0; k < dst.length; k++)
                assertEquals(expected[k], dst[k], 0f, "added, stride " + stride + ", dst[" + k + "]");
        }
    }

    /** Whole images both ways: pixel counts and channel counts that leave partial blocks, scattered rows, and added planes. */
    @Test
    void planesToRowsAndBackCoverEveryPixel() {
        Random rng = new Random(72);
        for (int channels : new int[] {2 * B, 2 * B + 3, 1}) {
            int hw = 2 * B + 5, rowStride = channels + 8, s0 = 3, d0 = 5;
            float[] planes = new float[s0 + channels * hw];
            for (int i = 0; i < planes.length; i++) planes[i] = rng.nextFloat();
            int[] at = new int[hw];
            for (int p = 0; p < hw; p++) at[p] = p * rowStride + (p % 2) * 4; // gaps between rows
            float[] rows = new float[d0 + at[hw - 1] + rowStride + 4];
            Arrays.fill(rows, Float.NaN);
            float[] buf = new float[BlockTranspose.BUFFER];
            BlockTranspose.planesToRows(planes, s0, hw, channels, rows, d0, at, buf, 0);
            for (int p = 0; p < hw; p++)
                for (int c = 0; c < channels; c++) assertEquals(planes[s0 + c * hw + p], rows[d0 + at[p] + c], 0f, "pixel " + p + ", channel " + c);

            float[] packed = new float[s0 + hw * rowStride];
            for (int i = 0; i < packed.length; i++) packed[i] = rng.nextFloat();
            int[] planeAt = BlockTranspose.planeOffsets(hw);
            float[] out = new float[d0 + channels * hw + 7], start = new float[out.length];
            for (int i = 0; i < out.length; i++) start[i] = rng.nextFloat();
            for (boolean add : new boolean[] {false, true}) {
                System.arraycopy(start, 0, out, 0, out.length);
                BlockTranspose.rowsToPlanes(packed, s0, rowStride, hw, channels, out, d0, planeAt, add, buf, 0);
                for (int p = 0; p < hw; p++)
                    for (int c = 0; c < channels; c++) {
                        float v = packed[s0 + p * rowStride + c];
                        assertEquals(add ? start[d0 + c * hw + p] + v : v, out[d0 + c * hw + p], 0f, "add " + add + ", pixel " + p + ", channel " + c);
                    }
                for (int i = d0 + channels * hw; i < out.length; i++) assertEquals(start[i], out[i], 0f, "past the last plane: untouched");
            }
        }
    }
}
