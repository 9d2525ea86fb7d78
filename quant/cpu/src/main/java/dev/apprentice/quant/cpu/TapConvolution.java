package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.packed.ImageTasks;
import dev.apprentice.engine.kernel.ConvPlan;
import dev.apprentice.engine.kernel.FloatRowKernel;
import dev.apprentice.engine.kernel.FloatTapKernel;
import dev.apprentice.engine.kernel.ShortRowKernel;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.quant.kernel.TapCodes;
import dev.apprentice.quant.kernel.TapWeights;

/**
 * A packed convolution on the CPU, direct (no im2col buffer): output rows are split over the
 * pool (layers too small to split run on the caller); a task converts the input rows its output
 * rows read into zero-padded floats ({@link PaddedRows}), runs {@link FloatRowKernel} over each
 * output row (3×3, stride 1 or 2) or {@link FloatTapKernel} over 8-pixel tiles (pixel r of a tile
 * reads tap t at base_r + tapOffsets[t]), one or two vectors of channels wide, and applies the epilogue to
 * each row or block of {@link #BLOCK} pixels while its sums are in L1. Tasks write disjoint
 * output rows and every sum is exact, so results do not depend on the thread count or the split.
 * The same code runs a full-precision network's layers ({@link FloatNetwork}: real weights, float
 * activations, float sums, still independent of the split since each pixel's sum is one call's).
 */
final class TapConvolution {
    /** Output pixels per epilogue block (a multiple of the kernel's 8). */
    private static final int BLOCK = 64;
    private static final int TILE_PIXELS = FloatTapKernel.PIXELS;
    /**
     * Multiply-adds below which forking a task costs more than it saves. The two cores are shared
     * with other jobs: a task handed to a pool thread that is not running waits for it, and a
     * whole layer with it. Measured on ResNet-20 at batch 1 (1.8 M MACs a layer, 2 threads,
     * medians of 6 interleaved runs): a8w4 434 img/s with 2^19 (3 tasks a layer), 532 with each
     * layer on one thread; a8w2 658 → 751.
     */
    static final long MIN_TASK_MACS = 1L << 21;
    /**
     * More tasks than threads, so a thread preempted by other jobs on the shared cores leaves work to
     * steal, and the last task leaves the other thread idle only briefly (FloatNetwork ResNet-20 at
     * batch 128 spent 12% of its samples waiting with 4; one JVM alternating, medians of 120: 4 → 12
     * 2406 → 2556 and 2571 → 2657 img/s, 12 → 32 2612 → 2661; batch 1 and packed batch 64 unchanged).
     */
    private static final int TASKS_PER_THREAD = 16;

    private TapConvolution() {}

    /** Whether the layer runs through {@link FloatRowKernel} (3×3, stride 1 or 2); other layers run through {@link FloatTapKernel}. */
    static boolean byRows(PackedConv c) {
        return ConvPlan.channelsLast(c.kernel(), c.stride()) == ConvPlan.Path.ROW_KERNEL;
    }

    /**
     * The layer's convolution with its weights as tap codes, any encoding (ternary layers too: the
     * float kernels beat the ternary lookup tables on every layer of ResNet-20 at batch 1 and 64,
     * one JVM alternating the two, medians of 170: a8w2 batch 64 2627 → 2714 and 2205 → 2334 img/s,
     * batch 1 1139 → 1190 and 1638 → 1704).
     */
    static void run(CpuActivations x, PackedConv c, TapCodes codes, CpuActivations residual, CpuActivations out) {
        // decoded once by the calling thread into its own buffer, read by every task until this call returns
        run(x, c, codes.decode(ConvScratch.get().weights(codes.floats())), residual, out, false);
    }

    /**
     * The layer with its weights already laid out (the codes of a packed layer, or the real weights of
     * a full-precision network, {@link FloatNetwork}); relu as in {@link EpilogueKernel#apply}.
     */
    static void run(CpuActivations x, PackedConv c, TapWeights w, CpuActivations residual, CpuActivations out, boolean relu) {
        split(x, c, out, (g0, g1) -> outputRows(x, c, w, residual, out, relu, g0, g1));
    }

    /**
     * A packed 3×3 layer at stride 1 or 2 through the integer row kernel ({@link ShortRowKernel}): centred codes
     * as shorts, weights laid out once ({@link ShortLayer}), int32 sums into the epilogue.
     */
    static void runShorts(CpuActivations x, PackedConv c, ShortLayer layer, CpuActivations residual, CpuActivations out) {
        split(x, c, out, (g0, g1) -> shortRows(x, c, layer, residual, out, g0, g1));
    }

    /**
     * A packed 3×3, stride-1 layer of at most half a vector of shorts of output channels, two images at
     * a time through {@link ShortRowKernel#pairedRow} (a paired {@link ShortLayer}); an odd batch's last image
     * (a batch of one: the only one) pairs its top half of output rows with its bottom half.
     */
    static void runPairs(CpuActivations x, PackedConv c, ShortLayer layer, CpuActivations residual, CpuActivations out) {
        int pairRows = x.batch() / 2 * out.height() + (x.batch() % 2) * halfRows(out.height());
        split(pairRows, 2L * pairRows * out.width() * c.outChannels() * c.inChannels() * 9, (g0, g1) -> pairRows(x, c, layer, residual, out, g0, g1));
    }

    /** Output rows in the top half of an image paired with itself: row y with row y + halfRows (when there is one). */
    private static int halfRows(int oh) {
        return (oh + 1) / 2;
    }

    /**
     * Pair rows [g0, g1): row g = pair · outHeight + y of images 2·pair and 2·pair + 1 while both exist; past them,
     * row y &lt; {@link #halfRows} of the last image with its row y + halfRows.
     */
    private static void pairRows(CpuActivations x, PackedConv c, ShortLayer layer, CpuActivations residual, CpuActivations out,
                                 int g0, int g1) {
        ConvScratch scratch = ConvScratch.get();
        int pad = c.padding(), oh = out.height(), ow = out.width(), ch = x.channels(), wp = x.width() + 2 * pad;
        int tiles = ShortRowKernel.pairedTiles(c.outChannels()), width = tiles * ShortRowKernel.PAIRED_CHANNELS;
        int step = ShortRowKernel.rowStep(1, ow), rowPixels = (ow + step - 1) / step * step, second = rowPixels * width;
        int imagePairRows = x.batch() / 2 * oh, half = halfRows(oh);
        int[] sums = scratch.intSums(2 * second);
        for (int g = g0; g < g1; ) {
            boolean halves = g >= imagePairRows;
            int unitRows = halves ? half : oh, local = halves ? g - imagePairRows : g % oh;
            int oy0 = local, oy1 = Math.min(unitRows, oy0 + (g1 - g)), rowCount = oy1 - oy0 + 2;
            // lo: image first from its row oy; hi: image other from its row oy + shift
            int first = halves ? x.batch() - 1 : 2 * (g / oh), other = halves ? first : first + 1, shift = halves ? half : 0;
            int[] xs = scratch.paddedPairs((rowCount * wp + rowPixels - ow) * ch);
            PaddedRows.fillPairs(x, first, oy0 - pad, other, oy0 + shift - pad, rowCount, pad, layer.codeOffset(), xs);
            java.util.Arrays.fill(xs, rowCount * wp * ch, (rowCount * wp + rowPixels - ow) * ch, 0);
            for (int oy = oy0; oy < oy1; oy++) {
                java.util.Arrays.fill(sums, 0, 2 * second, 0);   // the kernel adds; the epilogue adds the centring offsets
                ShortRowKernel.pairedRow(layer.weights(), ch, tiles, step, xs, (oy - oy0) * wp * ch, wp * ch, rowPixels, layer.flushEvery(), sums, 0, width, second);
                EpilogueKernel.apply(sums, layer.startSums(), null, 0, width, ow, c, residual, out, (first * oh + oy) * ow, false);
                if (oy + shift < oh)
                    EpilogueKernel.apply(sums, layer.startSums(), null, second, width, ow, c, residual, out, (other * oh + oy + shift) * ow, false);
            }
            g += oy1 - oy0;
        }
    }

    /** Runs body over the batch's output rows [0, N·outHeight), split over the pool when the layer is large enough. */
    private static void split(CpuActivations x, PackedConv c, CpuActivations out, Parallel.RangeBody body) {
        int rows = x.batch() * out.height();
        split(rows, (long) rows * out.width() * c.outChannels() * c.inChannels() * c.kernel() * c.kernel(), body);
    }

    /** Runs body over rows [0, rows) of a layer of macs multiply-adds, in tasks when it is large enough. */
    static void split(int rows, long macs, Parallel.RangeBody body) {
        // inside a task (a network split by images, ImageTasks) the layer runs whole on its thread
        int tasks = Parallel.serial() ? 1 : (int) Math.max(1, Math.min(Math.min(rows, (long) TASKS_PER_THREAD * Parallel.threads()), macs / MIN_TASK_MACS));
        if (tasks == 1) body.run(0, rows);
        else Parallel.forEach(tasks, i -> body.run((int) ((long) rows * i / tasks), (int) ((long) rows * (i + 1) / tasks)));
    }

    /** Output rows [g0, g1) of the batch through {@link ShortRowKernel}, row g = image · outHeight + y. */
    private static void shortRows(CpuActivations x, PackedConv c, ShortLayer layer, CpuActivations residual, CpuActivations out,
                                  int g0, int g1) {
        ConvScratch scratch = ConvScratch.get();
        int pad = c.padding(), stride = c.stride(), oh = out.height(), ow = out.width(), ch = x.channels(), wp = x.width() + 2 * pad;
        int tiles = ShortRowKernel.tiles(c.outChannels()), width = tiles * ShortRowKernel.LANES;
        int step = stride == 1 ? ShortRowKernel.rowStep(tiles, ow) : ShortRowKernel.strideTwoStep(ow), rowPixels = (ow + step - 1) / step * step;
        // the last call of a row may read past its end (its sums are dropped): slack after the last row
        int slack = Math.max(0, stride * (rowPixels - 1) + 3 - wp) * ch;
        int[] sums = scratch.intSums(rowPixels * width);
        for (int g = g0; g < g1; ) {
            int b = g / oh, oy0 = g % oh, oy1 = Math.min(oh, oy0 + (g1 - g));
            int rowCount = (oy1 - 1 - oy0) * stride + 3;
            short[] xs = scratch.paddedShorts(rowCount * wp * ch + slack);
            PaddedRows.fillShorts(x, b, oy0 * stride - pad, rowCount, pad, layer.codeOffset(), xs);
            java.util.Arrays.fill(xs, rowCount * wp * ch, rowCount * wp * ch + slack, (short) 0);
            int pixel0 = (b * oh + oy0) * ow;
            for (int oy = oy0; oy < oy1; oy++) {
                java.util.Arrays.fill(sums, 0, rowPixels * width, 0);
                int base = (oy - oy0) * stride * wp * ch;
                if (stride == 1) ShortRowKernel.row(layer.weights(), ch, tiles, step, xs, base, wp * ch, rowPixels, layer.flushEvery(), sums, 0, width);
                else ShortRowKernel.rowStrideTwo(layer.weights(), ch, tiles, step, xs, base, wp * ch, rowPixels, layer.flushEvery(), sums, 0, width);
                EpilogueKernel.apply(sums, layer.startSums(), null, 0, width, ow, c, residual, out, pixel0 + (oy - oy0) * ow, false);
            }
            g += oy1 - oy0;
        }
    }

    /** Output rows [g0, g1) of the batch, row g = image · outHeight + y. */
    private static void outputRows(CpuActivations x, PackedConv c, TapWeights w, CpuActivations residual, CpuActivations out, boolean relu,
                                   int g0, int g1) {
        ConvScratch scratch = ConvScratch.get();
        int k = c.kernel(), stride = c.stride(), pad = c.padding(), oh = out.height(), ow = out.width();
        int channels = w.paddedChannels(), wp = x.width() + 2 * pad, taps = k * k, width = w.tiles() * TapWeights.LANES;
        int tapsPerPass = w.maxTapsPerPass(x.levels());
        boolean rows = byRows(c) && tapsPerPass >= taps;
        int[] tapOffsets = scratch.tapOffsets(taps);
        for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++) tapOffsets[ki * k + kj] = (ki * wp + kj) * channels;
        int step = stride == 1 ? FloatRowKernel.rowStep(w.tiles(), ow) : FloatRowKernel.strideTwoStep(ow);
        int rowPixels = (ow + step - 1) / step * step;
        float[] sums = scratch.sums((rows ? rowPixels : BLOCK) * width);
        for (int g = g0; g < g1; ) {
            int b = g / oh, oy0 = g % oh, oy1 = Math.min(oh, oy0 + (g1 - g));
            int firstRow = oy0 * stride, rowCount = (oy1 - 1) * stride + k - firstRow;
            // the row kernel's last call of a row may run past the row end (its sums are dropped): slack after the last row
            int slack = rows ? Math.max(0, stride * (rowPixels - 1) + k - wp) : 0;
            float[] xs = scratch.padded((rowCount * wp + slack) * channels);
            PaddedRows.fill(x, b, firstRow - pad, rowCount, pad, channels, xs);
            int pixels = (oy1 - oy0) * ow, pixel0 = (b * oh + oy0) * ow;
            if (rows) {
                for (int oy = oy0; oy < oy1; oy++) {
                    int base = (oy - oy0) * stride * wp * channels;
                    if (stride == 1) FloatRowKernel.row(w.floats(), channels, taps, w.tiles(), step, xs, base, wp * channels, rowPixels, sums, 0, width);
                    else FloatRowKernel.rowStrideTwo(w.floats(), channels, taps, w.tiles(), step, xs, base, wp * channels, rowPixels, sums, 0, width);
                    EpilogueKernel.apply(null, sums, width, ow, c, residual, out, pixel0 + (oy - oy0) * ow, relu);
                }
            } else {
                for (int i0 = 0; i0 < pixels; i0 += BLOCK) {
                    int count = Math.min(BLOCK, pixels - i0);
                    if (tapsPerPass >= taps) block(w, 0, taps, tapOffsets, xs, ow, stride, wp, channels, i0, count, sums, width);
                    else passes(w, tapsPerPass, tapOffsets, xs, ow, stride, wp, channels, i0, count, sums, width, scratch);
                    EpilogueKernel.apply(null, sums, width, count, c, residual, out, pixel0 + i0, relu);
                }
            }
            g += oy1 - oy0;
        }
    }

    /** Sums of pixels [i0, i0 + count) (relative to the buffer's first output row) over taps [t0, t1), at sums[r·width + o]. */
    private static void block(TapWeights w, int t0, int t1, int[] tapOffsets, float[] xs, int ow, int stride, int wp, int channels,
                              int i0, int count, float[] sums, int width) {
        int last = i0 + count - 1;
        for (int r = 0; r < count; r += TILE_PIXELS) {
            // a partial tile repeats its last pixel; the repeats' sums land in rows past count, unused
            int i = i0 + r;
            int b0 = base(i, last, ow, stride, wp, channels), b1 = base(i + 1, last, ow, stride, wp, channels);
            int b2 = base(i + 2, last, ow, stride, wp, channels), b3 = base(i + 3, last, ow, stride, wp, channels);
            int b4 = base(i + 4, last, ow, stride, wp, channels), b5 = base(i + 5, last, ow, stride, wp, channels);
            int b6 = base(i + 6, last, ow, stride, wp, channels), b7 = base(i + 7, last, ow, stride, wp, channels);
            FloatTapKernel.pixels(w.floats(), w.paddedChannels(), w.taps(), w.tiles(), t0, t1, tapOffsets, xs,
                    b0, b1, b2, b3, b4, b5, b6, b7, sums, r * width, width);
        }
    }

    /** Offset of pixel min(i, last)'s top-left tap in the padded rows. */
    private static int base(int i, int last, int ow, int stride, int wp, int channels) {
        int p = Math.min(i, last);
        return ((p / ow) * stride * wp + (p % ow) * stride) * channels;
    }

    /**
     * Deep int8 layers: taps in passes of at most tapsPerPass (each pass exact in float), the
     * passes added as ints, the total converted once ((float) of the int32 sum, as specified).
     */
    private static void passes(TapWeights w, int tapsPerPass, int[] tapOffsets, float[] xs, int ow, int stride, int wp, int channels,
                               int i0, int count, float[] sums, int width, ConvScratch scratch) {
        int n = BLOCK * width, used = ((count + TILE_PIXELS - 1) / TILE_PIXELS) * TILE_PIXELS * width;
        int[] total = scratch.intSums(n);
        java.util.Arrays.fill(total, 0, used, 0);
        for (int t0 = 0; t0 < w.taps(); t0 += tapsPerPass) {
            block(w, t0, Math.min(w.taps(), t0 + tapsPerPass), tapOffsets, xs, ow, stride, wp, channels, i0, count, sums, width);
            for (int i = 0; i < used; i++) total[i] += (int) sums[i];
        }
        for (int i = 0; i < used; i++) sums[i] = total[i];
    }
}
