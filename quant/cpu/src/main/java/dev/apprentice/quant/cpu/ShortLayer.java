package dev.apprentice.quant.cpu;

import dev.apprentice.engine.kernel.ShortRowKernel;
import dev.apprentice.quant.packed.PackedConv;

/**
 * A packed 3×3 layer as the integer row kernel ({@link ShortRowKernel}) runs it. Its activation codes
 * 0..2^b − 1 enter the kernel centred, as u − 2^(b−1) (padding as −2^(b−1), the code 0): the largest
 * product's magnitude halves, so a 16-bit sum stays exact for twice the channel steps between flushes
 * (8-bit codes with 4-bit weights: 12 instead of 6; more where the weights are smaller than the encoding's
 * largest, {@link #flushEvery(int[], int, int, int, int)}). The epilogue adds each output channel's
 * 2^(b−1)·(the sum of its weight codes) to its sums ({@link #startSums}), which adds the offset back, so the
 * int32 sums it scales are exactly those of the uncentred codes.
 *
 * @param weights    the codes laid out by {@link ShortRowKernel#layOut} or, paired, {@link ShortRowKernel#layOutPaired}
 * @param paired     whether two images run at a time ({@link ShortRowKernel#pairedRow})
 * @param flushEvery channel steps between flushes for the centred codes and these weights
 * @param codeOffset 2^(b−1), subtracted from each activation code
 * @param startSums  per output channel, codeOffset times its weight codes' sum, added to the kernel's sums by
 *                   the epilogue; zero past the last channel, up to the kernel's sums width
 */
record ShortLayer(short[] weights, boolean paired, int flushEvery, int codeOffset, int[] startSums) {

    /** The offset subtracted from bits-bit activation codes: their range's midpoint, 2^(bits−1). */
    static int codeOffset(int bits) {
        return 1 << (bits - 1);
    }

    /** Channel steps between flushes for the layer's centred codes and weight codes; 0 when not even one is exact. */
    static int flushEvery(PackedConv conv) {
        return ShortRowKernel.flushEvery(codeOffset(conv.inBits()), conv.encoding().maxCode);
    }

    /**
     * The layer from its weight codes in (tap, channel) order per output channel (rows × 9·inChannels):
     * paired or one image at a time.
     */
    static ShortLayer of(PackedConv conv, int[] tapOrder, boolean paired) {
        int rows = conv.outChannels(), depth = tapOrder.length / rows, offset = codeOffset(conv.inBits());
        int width = paired ? ShortRowKernel.pairedTiles(rows) * ShortRowKernel.PAIRED_CHANNELS : ShortRowKernel.tiles(rows) * ShortRowKernel.LANES;
        int[] start = new int[width];
        for (int o = 0; o < rows; o++) {
            long sum = 0;
            for (int i = o * depth; i < (o + 1) * depth; i++) sum += tapOrder[i];
            start[o] = Math.toIntExact(offset * sum);
        }
        short[] weights = paired ? ShortRowKernel.layOutPaired(tapOrder, rows, conv.inChannels()) : ShortRowKernel.layOut(tapOrder, rows, conv.inChannels());
        return new ShortLayer(weights, paired, flushEvery(tapOrder, rows, conv.inChannels(), offset, flushEvery(conv)), offset, start);
    }

    /**
     * The longest flush interval these weights allow, at least uniform (the bound for any weights of the encoding).
     * The kernels run a call's 3·channels channel steps (kernel row, then input channel) in chunks of k and flush
     * after each: the one-tile and paired kernels from step 0 across kernel rows, the two-tile kernels from each
     * kernel row's first step; k must suit both. In one step a pixel's 16-bit sum adds x·w over the row's three
     * kernel columns, so a chunk adds at most offset·(the sum of |w| over its steps' taps) to it, which for every
     * output channel and chunk must stay within 32767 (offset: the centred codes' largest magnitude).
     */
    static int flushEvery(int[] tapOrder, int rows, int channels, int offset, int uniform) {
        int steps = ShortRowKernel.KERNEL * channels, depth = steps * ShortRowKernel.KERNEL, limit = Short.MAX_VALUE / offset;
        int[][] stepWeights = new int[rows][steps];
        for (int o = 0; o < rows; o++)
            for (int ki = 0; ki < ShortRowKernel.KERNEL; ki++)
                for (int kj = 0; kj < ShortRowKernel.KERNEL; kj++)
                    for (int c = 0; c < channels; c++) stepWeights[o][ki * channels + c] += Math.abs(tapOrder[o * depth + (ki * ShortRowKernel.KERNEL + kj) * channels + c]);
        for (int k = steps; k > uniform; k--)
            if (chunksWithin(stepWeights, k, steps, limit) && chunksWithin(stepWeights, k, channels, limit)) return k;
        return uniform;
    }

    /**
     * Whether every chunk of k consecutive steps, of every output channel, sums to at most limit: chunks from step 0
     * restarting every span steps (span = all steps: one run across kernel rows; span = channels: one per kernel row).
     */
    private static boolean chunksWithin(int[][] stepWeights, int k, int span, int limit) {
        for (int[] row : stepWeights)
            for (int start = 0; start < row.length; start += span)
                for (int from = start, end = Math.min(row.length, start + span); from < end; from += k) {
                    int sum = 0;
                    for (int s = from; s < Math.min(end, from + k); s++) sum += row[s];
                    if (sum > limit) return false;
                }
        return true;
    }
}
