package dev.apprentice.cudakernels;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;

/**
 * The geometry of one convolution launch: the Java twin of {@code AkConvShape} in
 * src/main/cuda/ak_conv.h, passed to the kernels by value as {@link #kernelArgs()}, 14 ints in
 * the struct's order. A linear layer is a 1×1 convolution over a 1×1 input.
 *
 * <p>The kernels index with 32-bit ints; {@link #of} refuses, with a message, any layer whose
 * input, output, weights or im2col extent would not fit, so an index can never wrap silently.
 */
public record ConvShape(int batch, int inChannels, int inHeight, int inWidth,
                        int outChannels, int outHeight, int outWidth,
                        int kernel, int stride, int padding,
                        int depth, int pixels, int rowWords, boolean dense) {

    /** Number of ints in {@link #kernelArgs()} (sizeof(AkConvShape) / 4). */
    public static final int INTS = 14;

    /** The shape of layer c applied to a batch of inHeight × inWidth inputs. */
    public static ConvShape of(PackedConv c, int batch, int inHeight, int inWidth) {
        String name = c.name();
        if (batch < 1 || inHeight < 1 || inWidth < 1)
            throw new IllegalArgumentException(name + ": empty input " + batch + "×" + c.inChannels() + "×" + inHeight + "×" + inWidth);
        int outHeight = c.outSize(inHeight), outWidth = c.outSize(inWidth);
        if (outHeight < 1 || outWidth < 1)
            throw new IllegalArgumentException(name + ": a " + c.kernel() + "×" + c.kernel() + " kernel (padding " + c.padding()
                    + ") does not fit a " + inHeight + "×" + inWidth + " input");
        checkIndexable(name, "input", (long) batch * c.inChannels() * inHeight * inWidth);
        checkIndexable(name, "output", (long) batch * c.outChannels() * outHeight * outWidth);
        int depth = c.depth();
        int rowWords = 0;
        if (c.encoding() == WeightEncoding.F32) {
            checkIndexable(name, "weights", (long) c.outChannels() * depth);
        } else {
            rowWords = GpuWeightLayout.rowWords(c.encoding(), depth);
            checkIndexable(name, "weights", (long) c.outChannels() * rowWords);
            // the tiled kernel walks K in tiles of 8 words, the last one past the row: k stays an int
            checkIndexable(name, "padded depth", (rowWords + 7L) / 8 * 8 * GpuWeightLayout.codesPerWord(c.encoding()));
        }
        int pixels = checkIndexable(name, "output pixels", (long) batch * outHeight * outWidth);
        boolean dense = c.kernel() == 1 && c.padding() == 0 && inHeight == 1 && inWidth == 1 && depth % 4 == 0;
        return new ConvShape(batch, c.inChannels(), inHeight, inWidth, c.outChannels(), outHeight, outWidth,
                c.kernel(), c.stride(), c.padding(), depth, pixels, rowWords, dense);
    }

    public int inputSize() {
        return batch * inChannels * inHeight * inWidth;
    }

    public int outputSize() {
        return batch * outChannels * outHeight * outWidth;
    }

    /** The struct's 14 ints, in the order of AkConvShape's fields. */
    public int[] kernelArgs() {
        return new int[] {batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth,
                kernel, stride, padding, depth, pixels, rowWords, dense ? 1 : 0};
    }

    private static int checkIndexable(String layer, String what, long elements) {
        if (elements > Integer.MAX_VALUE)
            throw new IllegalArgumentException(layer + ": " + what + " of " + elements
                    + " elements exceeds the CUDA kernels' 32-bit indexing (at most " + Integer.MAX_VALUE + "); use a smaller batch");
        return (int) elements;
    }
}
