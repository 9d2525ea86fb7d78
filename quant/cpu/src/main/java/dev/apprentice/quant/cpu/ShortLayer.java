package dev.apprentice.quant.cpu;

import dev.apprentice.engine.kernel.ShortRowKernel;
import dev.apprentice.quant.packed.PackedConv;

/**
 * A packed 3×3 layer as the integer row kernel ({@link ShortRowKernel}) runs it. Its activation codes
 * 0..2^b − 1 enter the kernel centred, as u − 2^(b−1) (padding as −2^(b−1), the code 0): the largest
 * product's magnitude halves, so a 16-bit sum stays exact for twice the channel steps between flushes
 * (8-bit codes with 4-bit weights: 12 instead of 6). Each output channel's sums start at
 * 2^(b−1)·(the sum of its weight codes), which adds the offset back, so the int32 sums are exactly
 * those of the uncentred codes.
 *
 * @param weights    the codes laid out by {@link ShortRowKernel#layOut} or, paired, {@link ShortRowKernel#layOutPaired}
 * @param paired     whether two images run at a time ({@link ShortRowKernel#pairedRow})
 * @param flushEvery channel steps between flushes for the centred codes
 * @param codeOffset 2^(b−1), subtracted from each activation code
 * @param startSums  per output channel, codeOffset times its weight codes' sum; zero past the last channel,
 *                   up to the kernel's sums width
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
        return new ShortLayer(weights, paired, flushEvery(conv), offset, start);
    }

    /** Sets rows rows of sums (width wide, from sums[from]) to the start sums: one row, then copies doubling what is set. */
    void startRows(int[] sums, int from, int rows, int width) {
        System.arraycopy(startSums, 0, sums, from, width);
        for (int done = 1; done < rows; done *= 2)
            System.arraycopy(sums, from, sums, from + done * width, Math.min(done, rows - done) * width);
    }
}
