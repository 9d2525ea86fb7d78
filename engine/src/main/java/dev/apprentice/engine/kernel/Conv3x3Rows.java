package dev.apprentice.engine.kernel;

import java.util.Arrays;

/**
 * Stride-1 3×3 convolutions of NCHW images through {@link FloatRowKernel}, one image at a time: the
 * image is zero-padded into channel-minor rows ({@link BlockTranspose}), each output row runs the row
 * kernel, and its pixel-major sums are transposed back into the NCHW output, written or added.
 * Output channels are computed in whole tiles of {@link FloatRowKernel#LANES} (weights of the channels
 * past the last real one are zero, their sums never leave the work area); input channels need not
 * fill a block (the transposes finish them one float at a time).
 *
 * <p>Why: the NCHW wide layout computes Wp − outW garbage columns a row (10%, 14% and 31% more
 * multiply-adds at 28, 14 and 7 pixels wide) and issues 10 loads per 16 FMAs; the row kernel computes
 * only real pixels with 15 loads per 42 FMAs. On AMD Zen 4, where one 512-bit FMA a cycle is the limit,
 * the two transposes cost far less than the FMAs saved.
 *
 * <p>Each output element is one sum in the row kernel's fixed order, so results do not depend on the
 * thread that computes them.
 */
final class Conv3x3Rows {
    private static final int L = FloatRowKernel.LANES;

    private Conv3x3Rows() {}

    /**
     * A 3×3 kernel at stride 1 with at least a vector of input channels (any counts past that; padding
     * up to 2 for a same-size input gradient). The image-fed first layer (one or three channels) runs
     * the GEMM path instead: through the row kernel it measured slower, and in a training step its
     * warm-up left the weight gradient's C2 code boxing vectors (7 GB a ResNet-20 step, 2.4× slower;
     * gone with -XX:-UseLoopPredicate), a hazard the benchmarks' allocation column now shows.
     */
    static boolean applies(ConvGeometry g) {
        return g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.inChannels() >= L;
    }

    private static int tiles(ConvGeometry g) {
        return (g.outChannels() + L - 1) / L;
    }

    /** Floats of the packed weights: whole tiles of output channels. */
    static int packedSize(ConvGeometry g) {
        return tiles(g) * L * g.inChannels() * 9;
    }

    /** OIHW weights as the row kernel reads them (see {@link FloatRowKernel}), into buf when it is large enough; zero past the last channel. */
    static float[] pack(ConvGeometry g, float[] w, float[] buf) {
        int o = g.outChannels(), c = g.inChannels(), size = packedSize(g);
        float[] q = buf != null && buf.length >= size ? buf : new float[size];
        Arrays.fill(q, 0, size, 0f);
        for (int oc = 0; oc < o; oc++)
            for (int ic = 0; ic < c; ic++)
                for (int t = 0; t < 9; t++) q[((oc / L * 9 + t) * c + ic) * L + oc % L] = w[(oc * c + ic) * 9 + t];
        return q;
    }

    private static int step(ConvGeometry g) {
        return FloatRowKernel.rowStep(tiles(g), g.outW());
    }

    private static int rowPixels(ConvGeometry g) {
        int step = step(g);
        return (g.outW() + step - 1) / step * step;
    }

    /** Floats of the padded rows, with slack for a last row's tiles that run past its end. */
    private static int paddedFloats(ConvGeometry g) {
        int wp = g.inW() + 2 * g.padW(), hp = g.inH() + 2 * g.padH();
        return (hp * wp + rowPixels(g) - g.outW()) * g.inChannels();
    }

    /** Floats of the sums (slack for the last row's extra pixels). */
    private static int sumFloats(ConvGeometry g) {
        return (g.outH() * g.outW() + rowPixels(g) - g.outW()) * tiles(g) * L;
    }

    /** Floats of {@link #image}'s work area: the padded rows, the sums, the transposes' buffer. */
    static int workFloats(ConvGeometry g) {
        return paddedFloats(g) + sumFloats(g) + BlockTranspose.BUFFER;
    }

    /** Where pixel p = r·W + q of an input image goes in the padded rows: ((r + padH)·Wp + q + padW)·C. */
    static int[] inputOffsets(ConvGeometry g) {
        int w = g.inW(), wp = w + 2 * g.padW(), c = g.inChannels();
        int[] at = new int[g.inH() * w];
        for (int p = 0; p < at.length; p++) at[p] = ((p / w + g.padH()) * wp + p % w + g.padW()) * c;
        return at;
    }

    /** Offsets of a transpose block's consecutive output channel planes. */
    static int[] planeOffsets(ConvGeometry g) {
        return BlockTranspose.planeOffsets(g.outH() * g.outW());
    }

    /** Zeros where the image does not write in the padded rows: the pad rows and columns, and the slack. */
    private static void zeroBorders(ConvGeometry g, float[] work) {
        int c = g.inChannels(), w = g.inW(), wp = w + 2 * g.padW(), hp = g.inH() + 2 * g.padH(), row = wp * c;
        for (int r = 0; r < hp; r++) {
            int at = r * row;
            if (r < g.padH() || r >= g.padH() + g.inH()) Arrays.fill(work, at, at + row, 0f);
            else {
                Arrays.fill(work, at, at + g.padW() * c, 0f);
                Arrays.fill(work, at + (g.padW() + w) * c, at + row, 0f);
            }
        }
        Arrays.fill(work, hp * row, paddedFloats(g), 0f);
    }

    /**
     * y[yOff ..] (one image, O × outH × outW) = the convolution of x[xOff ..] (C × H × W) with the packed
     * weights q, or y += it when accumulate; work is a buffer of {@link #workFloats}, inAt and planes
     * from {@link #inputOffsets} and {@link #planeOffsets}.
     */
    static void image(ConvGeometry g, float[] q, float[] x, int xOff, float[] y, int yOff, boolean accumulate,
                      float[] work, int[] inAt, int[] planes) {
        int c = g.inChannels(), o = g.outChannels(), hw = g.inH() * g.inW(), ohw = g.outH() * g.outW(), width = tiles(g) * L;
        int wp = g.inW() + 2 * g.padW(), sums = paddedFloats(g), tmp = sums + sumFloats(g);
        zeroBorders(g, work);
        BlockTranspose.planesToRows(x, xOff, hw, c, work, 0, inAt, work, tmp);

        int step = step(g), rowPixels = rowPixels(g), ow = g.outW();
        for (int r = 0; r < g.outH(); r++)
            FloatRowKernel.row(q, c, 9, tiles(g), step, work, r * wp * c, wp * c, rowPixels, work, sums + r * ow * width, width);

        BlockTranspose.rowsToPlanes(work, sums, width, ohw, o, y, yOff, planes, accumulate, work, tmp);
    }
}
