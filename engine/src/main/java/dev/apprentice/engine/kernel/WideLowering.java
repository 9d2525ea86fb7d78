package dev.apprentice.engine.kernel;

import java.util.Arrays;

/**
 * The "wide" layout of stride-1 convolutions, which needs no column matrix at all.
 *
 * <p>The image is copied into a zero-padded plane of width Wp = W + 2·padW. Output pixel (r, q)
 * is given the wide index j = r·Wp + q (P' = outH·Wp columns, of which the last Wp − outW per row
 * are garbage), and column-matrix row (c, ki, kj) is then exactly the contiguous slice of the
 * padded image starting at c·Hp·Wp + ki·Wp + kj ({@link #rowOffsets}), which the GEMM reads in
 * place ({@link Sgemm#sgemmRows}). The price is (Wp − outW)/outW extra GEMM columns (7% at
 * 28×28, 29% at 7×7). Garbage columns are dropped when results are copied out; for the weight
 * gradient dy is widened with zeros there, so they add exact zeros.
 */
final class WideLowering {
    private WideLowering() {}

    static int paddedH(ConvGeometry g) {
        return g.inH() + 2 * g.padH();
    }

    static int paddedW(ConvGeometry g) {
        return g.inW() + 2 * g.padW();
    }

    /** P': columns of the wide matrices. */
    static int wideCols(ConvGeometry g) {
        return g.outH() * paddedW(g);
    }

    /**
     * Columns the GEMM computes: P' rounded up to whole micro-kernel panels, so that no column
     * panel is ragged. A ragged panel of a B read in place is packed and run through the edge
     * kernel; at 7×7 (P' = 63) that was half of every image's columns. The extra columns are
     * garbage like the other wide ones (and cost the FMAs the edge panel spent anyway).
     */
    static int gemmCols(ConvGeometry g) {
        int nr = SgemmMicroKernel.NR;
        return (wideCols(g) + nr - 1) / nr * nr;
    }

    /**
     * Floats of a padded image: the last column-matrix row reads kernelW − 1 past the last plane,
     * and the GEMM's extra columns ({@link #gemmCols}) read that much further (zeros).
     */
    static int paddedSize(ConvGeometry g) {
        return g.inChannels() * paddedH(g) * paddedW(g) + g.kernelW() + gemmCols(g) - wideCols(g);
    }

    /** Start of column-matrix row (c, ki, kj) in the padded image: c·Hp·Wp + ki·Wp + kj. */
    static int[] rowOffsets(ConvGeometry g) {
        int hp = paddedH(g), wp = paddedW(g), row = 0;
        int[] off = new int[g.inChannels() * g.kernelH() * g.kernelW()];
        for (int c = 0; c < g.inChannels(); c++)
            for (int ki = 0; ki < g.kernelH(); ki++)
                for (int kj = 0; kj < g.kernelW(); kj++) off[row++] = c * hp * wp + ki * wp + kj;
        return off;
    }

    /** pad[pOff ..] = image at x[xOff] with zero borders. */
    static void pad(ConvGeometry g, float[] x, int xOff, float[] pad, int pOff) {
        int h = g.inH(), w = g.inW(), hp = paddedH(g), wp = paddedW(g);
        Arrays.fill(pad, pOff, pOff + paddedSize(g), 0f);
        for (int c = 0; c < g.inChannels(); c++)
            for (int i = 0; i < h; i++)
                System.arraycopy(x, xOff + (c * h + i) * w, pad, pOff + (c * hp + i + g.padH()) * wp + g.padW(), w);
    }

    /** y image at yOff (O × outH × outW) = valid columns of the wide result (channel o's row at o·{@link #gemmCols}), with the epilogue (bias, residual at the same offsets as y, relu; see {@link Conv2dKernel#forward(ConvGeometry, float[], float[], float[], float[], boolean, float[])}). */
    static void narrow(ConvGeometry g, float[] wide, int wOff, float[] bias, float[] residual, boolean relu, float[] y, int yOff) {
        int oh = g.outH(), ow = g.outW(), wp = paddedW(g), cols = gemmCols(g);
        for (int o = 0; o < g.outChannels(); o++)
            for (int r = 0; r < oh; r++) {
                int dst = yOff + (o * oh + r) * ow;
                KernelVectors.copyEpilogue(wide, wOff + o * cols + r * wp, y, dst, ow, bias != null, bias == null ? 0f : bias[o], residual, dst, relu);
            }
    }

    /** y image at yOff += valid columns of the wide result (channel o's row at o·{@link #gemmCols}). */
    static void narrowAdd(ConvGeometry g, float[] wide, int wOff, float[] y, int yOff) {
        int oh = g.outH(), ow = g.outW(), wp = paddedW(g), cols = gemmCols(g);
        for (int o = 0; o < g.outChannels(); o++)
            for (int r = 0; r < oh; r++)
                KernelVectors.addTo(y, yOff + (o * oh + r) * ow, wide, wOff + o * cols + r * wp, ow);
    }
}
