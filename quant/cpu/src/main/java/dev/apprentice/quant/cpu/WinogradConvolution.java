package dev.apprentice.quant.cpu;

import dev.apprentice.engine.kernel.Winograd;
import dev.apprentice.quant.packed.PackedConv;

/**
 * A full-precision 3×3, stride-1, padding-1 layer of a {@link FloatNetwork} through Winograd F(2×2, 3×3)
 * ({@link Winograd}): the work unit is a band (two output rows of one image, a row of 2×2 tiles); a task's
 * bands run in chunks whose transformed tiles fill about {@link #CHUNK_FLOATS} floats (the 16-channel
 * stage's one image, the 64-channel stage's three), each chunk through the three steps and then
 * {@link EpilogueKernel} row by row. A tile's sums depend only on its own patch, so results do not depend
 * on the thread count or the chunking; they differ from the direct kernels' by rounding (about 1e-6 of a
 * sum's magnitude), which only a float network may take.
 */
final class WinogradConvolution {
    /**
     * Floats of transformed tiles (16 points × tiles × input channels) per chunk: with the products as
     * many again, about 400 KB, within L2; larger chunks measured slower (docs/benchmarks.md).
     */
    static final int CHUNK_FLOATS = 50_000;

    private WinogradConvolution() {}

    /** The transformed weights of layer c, given its weights as tap-major rows (o, tap, c), for {@link #run}. */
    static float[] weights(float[] tapMajor, PackedConv c) {
        return Winograd.weights(tapMajor, c.outChannels(), c.inChannels(), F32Conv.width(c));
    }

    /** The layer over x with transformed weights u ({@link #weights}), relu as in {@link EpilogueKernel#apply}. */
    static void run(CpuActivations x, PackedConv c, float[] u, CpuActivations residual, CpuActivations out, boolean relu) {
        if (c.kernel() != 3 || c.stride() != 1 || c.padding() != 1)
            throw new IllegalArgumentException(c.name() + ": Winograd F(2×2, 3×3) takes 3×3 layers at stride 1, padding 1");
        int bands = (out.height() + 1) / 2;
        long macs = (long) x.batch() * out.pixels() * c.outChannels() * c.inChannels() * 9;
        TapConvolution.split(x.batch() * bands, macs, (g0, g1) -> bands(x, c, u, residual, out, relu, g0, g1));
    }

    /** Bands [g0, g1) of the batch, band g = image · bands + k (output rows 2k and 2k + 1). */
    private static void bands(CpuActivations x, PackedConv c, float[] u, CpuActivations residual, CpuActivations out, boolean relu, int g0, int g1) {
        ConvScratch scratch = ConvScratch.get();
        int ch = x.channels(), oh = out.height(), ow = out.width(), width = F32Conv.width(c);
        int bands = (oh + 1) / 2, perRow = (ow + 1) / 2, wp = x.width() + 2, rowStride = wp * ch;
        int perChunk = Math.max(1, CHUNK_FLOATS / (Winograd.POINTS * ch * perRow)), rowWidth = Winograd.OUT * perRow * width;
        for (int g = g0; g < g1; ) {
            int chunk = Math.min(g1 - g, perChunk), tiles = chunk * perRow, count = Winograd.paddedTiles(tiles);
            float[] v = scratch.transformed(Winograd.POINTS * count * ch), m = scratch.products(Winograd.POINTS * count * width);
            for (int k = g, t = 0; k < g + chunk; ) {   // the chunk's bands image by image
                int b = k / bands, first = k % bands, last = Math.min(bands, first + (g + chunk - k)), rows = 2 * (last - first) + 2;
                // an odd-width row's last tile reads one column past the row: the next row's left padding, or this slack
                float[] xs = scratch.padded(rows * rowStride + ch);
                PaddedRows.fill(x, b, 2 * first - 1, rows, 1, ch, xs);
                java.util.Arrays.fill(xs, rows * rowStride, rows * rowStride + ch, 0f);
                Winograd.input(xs, 0, rowStride, ch, perRow, (last - first) * perRow, v, t, count);
                t += (last - first) * perRow;
                k += last - first;
            }
            for (int p = 0; p < Winograd.POINTS; p++)   // tiles past the chunk's: zeros, their sums dropped
                java.util.Arrays.fill(v, (p * count + tiles) * ch, (p + 1) * count * ch, 0f);
            Winograd.multiply(v, u, count, ch, width, m);
            float[] sums = scratch.sums((count / perRow + 1) * Winograd.OUT * rowWidth);
            Winograd.output(m, count, width, perRow, sums);
            for (int r = 0; r < chunk; r++) {
                int b = (g + r) / bands, k = (g + r) % bands;
                for (int dy = 0; dy < Winograd.OUT && 2 * k + dy < oh; dy++)
                    EpilogueKernel.apply(null, sums, (2 * r + dy) * rowWidth, width, ow, c, residual, out, (b * oh + 2 * k + dy) * ow, relu);
            }
            g += chunk;
        }
    }
}
