package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2×2, 3×3): each step against its plain twin bit for bit (the same operations in the same
 * order), and the three steps together against a naive 3×3 convolution in double within a bound that
 * scales with the sum of the products' magnitudes; ragged channel counts (a scalar tail, an odd number
 * of output vectors), odd output sizes (tiles that reach past the image) and tiles of several bands in
 * one product.
 */
class WinogradTest {
    private final Random rng = new Random(11);

    @Test
    void matchesTheTwinAndANaiveConvolution() {
        for (int ch : new int[] {1, 3, 16, 17, 32})
            for (int outCh : new int[] {5, 16, 24, 32, 64})
                for (int size : new int[] {7, 8, 14}) check(ch, outCh, size, size, 1);
        check(16, 32, 7, 5, 3);   // three images' bands in one product, a count not a multiple of TILES before padding
        check(8, 16, 4, 9, 2);
    }

    /** images of h × w, ch channels, zero-padded by one, as bands of one V; outputs compared pixel by pixel. */
    private void check(int ch, int outCh, int h, int w, int images) {
        int lanes = Winograd.LANES, width = (outCh + lanes - 1) / lanes * lanes;
        int perRow = (w + 1) / 2, bandRows = (h + 1) / 2, perImage = perRow * bandRows;
        int count = Winograd.paddedTiles(images * perImage);
        // padded rows: one zero row above, h rows, then zero rows to 2·bandRows + 2 rows, w + 3 columns (tiles read one past an odd row)
        int rowStride = (w + 3) * ch, rows = 2 * bandRows + 2, image = rows * rowStride;
        float[] x = new float[images * image];
        for (int b = 0; b < images; b++)
            for (int y = 0; y < h; y++)
                for (int c = 0; c < w * ch; c++) x[b * image + (y + 1) * rowStride + ch + c] = (float) rng.nextGaussian();
        float[] g = new float[outCh * 9 * ch];
        for (int i = 0; i < g.length; i++) g[i] = (float) rng.nextGaussian();
        float[] u = Winograd.weights(g, outCh, ch, width);
        float[] v = new float[Winograd.POINTS * count * ch], vTwin = new float[v.length];
        for (int b = 0; b < images; b++) {
            Winograd.input(x, b * image, rowStride, ch, perRow, perImage, v, b * perImage, count);
            WinogradScalar.input(x, b * image, rowStride, ch, perRow, perImage, vTwin, b * perImage, count);
        }
        String shape = ch + "→" + outCh + " at " + h + "×" + w + " × " + images;
        assertArrayBits(vTwin, v, shape + ": V");
        float[] m = new float[Winograd.POINTS * count * width], mTwin = new float[m.length];
        Winograd.multiply(v, u, count, ch, width, m);
        WinogradScalar.multiply(v, u, count, ch, width, mTwin);
        assertArrayBits(mTwin, m, shape + ": M");
        int rowWidth = Winograd.OUT * perRow * width;
        float[] sums = new float[(count / perRow + 1) * Winograd.OUT * rowWidth], twin = new float[sums.length];
        Winograd.output(m, count, width, perRow, sums);
        WinogradScalar.output(m, count, width, perRow, twin);
        assertArrayBits(twin, sums, shape + ": sums");
        for (int b = 0; b < images; b++)
            for (int y = 0; y < h; y++)
                for (int px = 0; px < w; px++)
                    for (int o = 0; o < outCh; o++) {
                        double naive = 0, magnitude = 0;
                        for (int ki = 0; ki < 3; ki++)
                            for (int kj = 0; kj < 3; kj++)
                                for (int c = 0; c < ch; c++) {
                                    double p = (double) x[b * image + (y + ki) * rowStride + (px + kj) * ch + c] * g[(o * 9 + ki * 3 + kj) * ch + c];
                                    naive += p;
                                    magnitude += Math.abs(p);
                                }
                        // each image's bands follow the previous image's: its output rows start 2·bandRows further down
                        float got = sums[(b * 2 * bandRows + y) * rowWidth + px * width + o];
                        assertEquals(naive, got, 1e-5 * magnitude + 1e-6, shape + ": image " + b + " pixel " + y + "," + px + " channel " + o);
                    }
    }

    private static void assertArrayBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 0f, what + " at " + i);
    }

    @Test
    void rejectsCountsTheKernelsDoNotTake() {
        float[] v = new float[Winograd.POINTS * 4 * 8], u = new float[Winograd.POINTS * 8 * Winograd.LANES], m = new float[Winograd.POINTS * 4 * Winograd.LANES];
        assertThrows(IllegalArgumentException.class, () -> Winograd.multiply(v, u, 4, 8, Winograd.LANES, m));
        assertEquals(0, Winograd.paddedTiles(0));
        assertEquals(Winograd.TILES, Winograd.paddedTiles(1));
        assertEquals(2 * Winograd.TILES, Winograd.paddedTiles(Winograd.TILES + 1));
    }
}
