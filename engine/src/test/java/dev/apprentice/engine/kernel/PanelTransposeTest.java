package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 16-lane panel transpose (used only where vectors have 16 lanes and panels 8 rows). */
class PanelTransposeTest {
    @Test
    void eightRowsOfSixteenBecomeColumnMajorPanels() {
        assumeTrue(PanelTranspose.APPLIES, "only 512-bit vectors with 8-row panels use it");
        SplittableRandom r = new SplittableRandom(3);
        for (int stride : new int[] {16, 17, 49, 300}) {
            for (float alpha : new float[] {1f, -0.5f}) {
                int s = r.nextInt(9), d = r.nextInt(9);
                float[] src = new float[s + 7 * stride + 16 + 5];
                for (int i = 0; i < src.length; i++) src[i] = (float) r.nextDouble(-1, 1);
                float[] dst = new float[d + 128 + 7];
                Arrays.fill(dst, Float.NaN);
                PanelTranspose.rowsToPanel(src, s, stride, alpha, dst, d);
                for (int p = 0; p < 16; p++) {
                    for (int row = 0; row < 8; row++) {
                        assertEquals(alpha * src[s + row * stride + p], dst[d + p * 8 + row], 0f,
                                "stride " + stride + " alpha " + alpha + ": column " + p + " row " + row);
                    }
                }
                for (int i = 0; i < dst.length; i++) {
                    if (i < d || i >= d + 128) assertEquals(Float.NaN, dst[i], "written outside the panel at " + i);
                }
            }
        }
    }
}
