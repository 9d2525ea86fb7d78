package dev.apprentice.quant.cpu;

import dev.apprentice.engine.kernel.ShortRowKernel;
import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of one image's NHWC activation codes as floats in a zero-padded buffer, the input the
 * convolution kernel ({@link dev.apprentice.engine.kernel.FloatTapKernel}) reads: the spatial
 * padding is stored as zeros, so every kernel tap of every output pixel is an in-bounds read and
 * the kernel needs no padding branches; channels are padded with zeros to the kernel's channel
 * stride. A code u is stored as the float u (exact), not dequantized: the kernel sums integers;
 * float activations ({@link FloatNetwork}) are copied as they are. Converting costs one pass over
 * the input (a 3×3 layer then reads each value 9·outC/16 times).
 */
final class PaddedRows {
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    private static final VectorSpecies<Integer> I = VectorWidth.INTS;
    private static final int L = F.length();
    private static final VectorSpecies<Byte> B = CodeBytes.SPECIES;
    private static final VectorMask<Byte> CODE_LANES = CodeBytes.LANES;
    private static final boolean PARTIAL = CodeBytes.PARTIAL;
    private static final VectorSpecies<Short> S = VectorWidth.SHORTS;
    /** Bytes for a vector of shorts: half the shorts' bits. */
    private static final VectorSpecies<Byte> HALF_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 2));

    private PaddedRows() {}

    /**
     * dst[(yy·(W + 2·pad) + xx)·stride + c] for yy &lt; rows: the code (or float, for float
     * activations) of image b at input row firstRow + yy, column xx − pad, channel c, or 0 where
     * that is outside the image or c ≥ C.
     */
    static void fill(CpuActivations in, int b, int firstRow, int rows, int pad, int stride, float[] dst) {
        int h = in.height(), w = in.width(), ch = in.channels(), wp = w + 2 * pad, rowLength = wp * stride;
        byte[] codes = in.codes();
        for (int yy = 0; yy < rows; yy++) {
            int iy = firstRow + yy, d = yy * rowLength;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(dst, d, d + rowLength, 0f);
                continue;
            }
            java.util.Arrays.fill(dst, d, d + pad * stride, 0f);
            java.util.Arrays.fill(dst, d + (pad + w) * stride, d + rowLength, 0f);
            int src = ((b * h + iy) * w) * ch;
            d += pad * stride;
            if (in.bits() == 0 && stride == ch) { // floats, no channel padding: the row is one copy
                System.arraycopy(in.values(), src, dst, d, w * ch);
                continue;
            }
            if (in.bits() == 0) {   // floats (a full-precision network): copied as they are
                for (int xx = 0; xx < w; xx++, src += ch, d += stride) {
                    System.arraycopy(in.values(), src, dst, d, ch);
                    if (stride > ch) java.util.Arrays.fill(dst, d + ch, d + stride, 0f);
                }
                continue;
            }
            for (int xx = 0; xx < w; xx++, src += ch, d += stride) {
                int c = 0;
                for (; VectorWidth.VECTOR && c <= ch - L; c += L) {
                    ByteVector bytes = PARTIAL ? ByteVector.fromArray(B, codes, src + c, CODE_LANES) : ByteVector.fromArray(B, codes, src + c);
                    IntVector u = (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    ((FloatVector) u.convert(VectorOperators.I2F, 0)).intoArray(dst, d + c);
                }
                for (; c < ch; c++) dst[d + c] = codes[src + c] & 0xff;
                for (; c < stride; c++) dst[d + c] = 0f;
            }
        }
    }
    /**
     * dst[(yy·(W + 2·pad) + xx)·C + c] for yy &lt; rows: the code of image b at input row firstRow + yy,
     * column xx − pad, channel c, less offset, as a short; −offset (the code 0) where that is outside the image
     * (the input of {@link dev.apprentice.engine.kernel.ShortRowKernel}, centred: {@link ShortLayer}).
     */
    static void fillShorts(CpuActivations in, int b, int firstRow, int rows, int pad, int offset, short[] dst) {
        int h = in.height(), w = in.width(), ch = in.channels(), rowLength = (w + 2 * pad) * ch;
        byte[] codes = in.codes();
        short outside = (short) -offset;
        for (int yy = 0; yy < rows; yy++) {
            int iy = firstRow + yy, d = yy * rowLength;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(dst, d, d + rowLength, outside);
                continue;
            }
            java.util.Arrays.fill(dst, d, d + pad * ch, outside);
            java.util.Arrays.fill(dst, d + (pad + w) * ch, d + rowLength, outside);
            d += pad * ch;
            int i = 0, src = (b * h + iy) * w * ch, n = w * ch;
            for (; VectorWidth.VECTOR && i <= n - HALF_BYTES.length(); i += HALF_BYTES.length())
                ((ShortVector) ByteVector.fromArray(HALF_BYTES, codes, src + i).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0))
                        .sub((short) offset).intoArray(dst, d + i);
            for (; i < n; i++) dst[d + i] = (short) ((codes[src + i] & 0xff) - offset);
        }
    }

    /**
     * {@link #fillShorts} for two sources at once, each position holding both centred codes as one int
     * ({@link ShortRowKernel#pair}): image first from input row firstRow in the low half, image second from
     * input row secondRow in the high half (the same image, further down, when one image pairs its halves);
     * −offset where a source row is outside its image.
     */
    static void fillPairs(CpuActivations in, int first, int firstRow, int second, int secondRow, int rows, int pad, int offset, int[] dst) {
        int h = in.height(), w = in.width(), ch = in.channels(), rowLength = (w + 2 * pad) * ch, n = w * ch;
        byte[] codes = in.codes();
        int outside = ShortRowKernel.pair(-offset, -offset);
        for (int yy = 0; yy < rows; yy++) {
            int ya = firstRow + yy, yb = secondRow + yy, d = yy * rowLength;
            boolean lowIn = ya >= 0 && ya < h, highIn = yb >= 0 && yb < h;
            if (!lowIn && !highIn) {
                java.util.Arrays.fill(dst, d, d + rowLength, outside);
                continue;
            }
            java.util.Arrays.fill(dst, d, d + pad * ch, outside);
            java.util.Arrays.fill(dst, d + (pad + w) * ch, d + rowLength, outside);
            d += pad * ch;
            int a = (first * h + ya) * w * ch, b = (second * h + yb) * w * ch, i = 0;
            if (!lowIn || !highIn) {
                for (; i < n; i++)
                    dst[d + i] = ShortRowKernel.pair(lowIn ? (codes[a + i] & 0xff) - offset : -offset, highIn ? (codes[b + i] & 0xff) - offset : -offset);
                continue;
            }
            for (; VectorWidth.VECTOR && i <= n - L; i += L) {
                ByteVector lo = PARTIAL ? ByteVector.fromArray(B, codes, a + i, CODE_LANES) : ByteVector.fromArray(B, codes, a + i);
                ByteVector hi = PARTIAL ? ByteVector.fromArray(B, codes, b + i, CODE_LANES) : ByteVector.fromArray(B, codes, b + i);
                IntVector low = ((IntVector) lo.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0)).sub(offset).and(0xffff);
                IntVector high = ((IntVector) hi.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0)).sub(offset);
                low.or(high.lanewise(VectorOperators.LSHL, 16)).intoArray(dst, d + i);
            }
            for (; i < n; i++) dst[d + i] = ShortRowKernel.pair((codes[a + i] & 0xff) - offset, (codes[b + i] & 0xff) - offset);
        }
    }
}
