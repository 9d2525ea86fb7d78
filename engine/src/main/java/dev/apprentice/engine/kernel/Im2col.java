package dev.apprentice.engine.kernel;

import java.util.Arrays;

/**
 * Lowering of one image for convolution-as-GEMM. The column matrix has K = C·kh·kw rows (in
 * OIHW weight order: channel, kernel row, kernel column) and P = outH·outW columns, so that
 * {@code y = W(O×K) · col(K×P)}. Padding becomes zeros in im2col and is dropped in col2im.
 *
 * For each (row, output row) the valid output columns form one contiguous range, computed once,
 * so the inner loops have no bounds tests; with stride 1 they are plain contiguous copies/adds.
 */
final class Im2col {
    private Im2col() {}

    /** col[0 .. K·P) = lowered image that starts at x[xOff]. */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col) {
        im2col(g, x, xOff, col, 0, g.outH() * g.outW());
    }

    /** Row r of the lowered image at col[colOff + r·ld], P values then zeros up to ld >= P. */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
        final int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW(), p = oh * ow;
        final int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        int row = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int lo = validLo(pw, kj, sw), hi = validHi(w, pw, kj, sw, ow);
                    int base = colOff + row * ld;
                    if (ld > p) Arrays.fill(col, base + p, base + ld, 0f);
                    for (int r = 0; r < oh; r++) {
                        int ih = r * sh - ph + ki;
                        int dst = base + r * ow;
                        if (ih < 0 || ih >= h || lo >= hi) {
                            Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        if (lo > 0) Arrays.fill(col, dst, dst + lo, 0f);
                        if (hi < ow) Arrays.fill(col, dst + hi, dst + ow, 0f);
                        int src = plane + ih * w - pw + kj; // input index of output column 0
                        if (sw == 1) {
                            KernelVectors.copy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int q = lo; q < hi; q++) col[dst + q] = x[src + q * sw];
                        }
                    }
                }
            }
        }
    }

    /** dx[image at dxOff] += col2im(col): each column entry goes back to the pixel it came from. */
    static void col2imAdd(ConvGeometry g, float[] col, float[] dx, int dxOff) {
        final int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW(), p = oh * ow;
        final int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        int row = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int lo = validLo(pw, kj, sw), hi = validHi(w, pw, kj, sw, ow);
                    if (lo >= hi) continue;
                    int base = row * p;
                    for (int r = 0; r < oh; r++) {
                        int ih = r * sh - ph + ki;
                        if (ih < 0 || ih >= h) continue;
                        int srcCol = base + r * ow;
                        int dst = plane + ih * w - pw + kj;
                        if (sw == 1) {
                            KernelVectors.addTo(dx, dst + lo, col, srcCol + lo, hi - lo);
                        } else {
                            for (int q = lo; q < hi; q++) dx[dst + q * sw] += col[srcCol + q];
                        }
                    }
                }
            }
        }
    }

    /** First output column whose input column ow·s − pad + kj is >= 0. */
    private static int validLo(int pad, int kj, int stride) {
        int need = pad - kj; // ow·stride >= need
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** One past the last output column whose input column is < w (clamped to [0, outW]). */
    private static int validHi(int w, int pad, int kj, int stride, int outW) {
        int lim = w - 1 + pad - kj; // ow·stride <= lim
        if (lim < 0) return 0;
        return Math.min(outW, lim / stride + 1);
    }
}
