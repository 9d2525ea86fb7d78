package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The register transpose against the index formula, at several strides, offsets and scattered column destinations, written and added. */
class Transpose16Test {
    @Test
    void movesEveryElementWhereTheFormulaSays() {
        Random rng = new Random(71);
        for (int stride : new int[] {16, 17, 49, 196, 784}) {
            float[] src = new float[7 + 16 * stride + 16];
            for (int i = 0; i < src.length; i++) src[i] = rng.nextFloat();
            int[] cols = new int[40];
            for (int j = 0; j < cols.length; j++) cols[j] = j * 37 + (j % 3) * 5; // 16-float columns apart, unevenly
            int s0 = 7, c0 = 3, d0 = 11;
            float[] dst = new float[d0 + cols[cols.length - 1] + 16];
            Arrays.fill(dst, Float.NaN);
            Transpose16.block(src, s0, stride, dst, d0, cols, c0, false, new float[Transpose16.BUFFER + 5], 5);
            float[] expected = new float[dst.length];
            Arrays.fill(expected, Float.NaN);
            for (int i = 0; i < 16; i++)
                for (int j = 0; j < 16; j++) expected[d0 + cols[c0 + j] + i] = src[s0 + i * stride + j];
            for (int k = 0; k < dst.length; k++)
                assertEquals(expected[k], dst[k], 0f, "stride " + stride + ", dst[" + k + "]"); // NaN where nothing belongs

            Transpose16.block(src, s0, stride, dst, d0, cols, c0, true, new float[Transpose16.BUFFER], 0); // now added to what it wrote: doubled
            for (int i = 0; i < 16; i++)
                for (int j = 0; j < 16; j++) expected[d0 + cols[c0 + j] + i] *= 2;
            for (int k = 0; k < dst.length; k++)
                assertEquals(expected[k], dst[k], 0f, "added, stride " + stride + ", dst[" + k + "]");
        }
    }
}
