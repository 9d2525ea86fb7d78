package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link ShortRowKernel#row}: the same integer sums over the same weights and rows,
 * one product at a time in int, so the vector kernel is tested against it bit for bit (integer sums
 * do not depend on their order). It runs the rows where the JVM compiles no vector code.
 */
public final class ShortRowKernelScalar {
    private ShortRowKernelScalar() {}

    /** As {@link ShortRowKernel#row}: adds the sums of rowPixels pixels × tiles·LANES channels to sums[sOff + r·width + o]. */
    public static void row(short[] q, int ch, int tiles, short[] x, int base, int rowStride, int rowPixels, int[] sums, int sOff, int width) {
        row(q, ch, tiles, 1, x, base, rowStride, rowPixels, sums, sOff, width);
    }

    /** The same at the given stride (pixel r reads columns stride·r + kj), the twin of {@link ShortRowKernel#rowStrideTwo} too. */
    public static void row(short[] q, int ch, int tiles, int stride, short[] x, int base, int rowStride, int rowPixels, int[] sums, int sOff,
                           int width) {
        int lanes = ShortRowKernel.LANES, k = ShortRowKernel.KERNEL, tapShorts = ch * lanes;
        for (int r = 0; r < rowPixels; r++)
            for (int o = 0; o < tiles * lanes; o++) {
                int w0 = o / lanes * k * k * tapShorts + ShortRowKernel.lane(o % lanes), s = 0;
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0; kj < k; kj++)
                        for (int c = 0; c < ch; c++)
                            s += x[base + ki * rowStride + (stride * r + kj) * ch + c] * q[w0 + ((ki * k + kj) * ch + c) * lanes];
                sums[sOff + r * width + o] += s;
            }
    }

    /** As {@link ShortRowKernel#pairedRow}: each image's codes unpacked from the pairs, its sums added at sOff or secondOff past it. */
    public static void pairedRow(short[] q, int ch, int tiles, int[] x, int base, int rowStride, int rowPixels, int[] sums, int sOff, int width,
                                 int secondOff) {
        int lanes = ShortRowKernel.LANES, k = ShortRowKernel.KERNEL, tapShorts = ch * lanes, half = ShortRowKernel.PAIRED_CHANNELS;
        for (int image = 0; image < 2; image++)
            for (int r = 0; r < rowPixels; r++)
                for (int o = 0; o < tiles * half; o++) {
                    int w0 = o / half * k * k * tapShorts + 2 * (o % half) + image, s = 0;
                    for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                            for (int c = 0; c < ch; c++) {
                                int pair = x[base + ki * rowStride + (r + kj) * ch + c];
                                s += (short) (image == 0 ? pair : pair >> 16) * q[w0 + ((ki * k + kj) * ch + c) * lanes];
                            }
                    sums[sOff + image * secondOff + r * width + o] += s;
                }
    }
}
