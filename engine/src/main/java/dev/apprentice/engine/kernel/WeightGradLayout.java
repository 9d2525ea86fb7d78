package dev.apprentice.engine.kernel;

import java.util.Arrays;

/**
 * Lays out one image's operands for {@link WeightGradDot}: its output gradient as O rows of len
 * floats (zero-padded to a multiple of 16), then the rows of its column matrix, B row j being the
 * len floats from {@code bOff + rowOff[j]}.
 *
 * <p>Stride-1 convolutions use the wide lowering (see {@link WideLowering}): B is just the
 * zero-padded image, and row (c, ki, kj) starts at c·Hp·Wp + ki·Wp + kj, so no column matrix is
 * built at all; dy is widened to Wp columns per row with zeros in the Wp − outW garbage columns.
 * Strided convolutions copy a compact im2col with row stride len.
 */
final class WeightGradLayout {
    final int len, bOff, stride;
    final int[] rowOff;
    private final boolean wide;
    private final int bFloats;

    private WeightGradLayout(ConvGeometry g) {
        int o = g.outChannels(), k = g.inChannels() * g.kernelH() * g.kernelW();
        wide = g.strideH() == 1 && g.strideW() == 1;
        if (wide) {
            len = roundUp16(WideLowering.wideCols(g));
            rowOff = WideLowering.rowOffsets(g);
            bFloats = Math.max(WideLowering.paddedSize(g), rowOff[k - 1] + len);
        } else {
            len = roundUp16(g.outH() * g.outW());
            rowOff = new int[k];
            for (int j = 0; j < k; j++) rowOff[j] = j * len;
            bFloats = k * len;
        }
        bOff = o * len;
        stride = roundUp16(bOff + bFloats);
    }

    static WeightGradLayout of(ConvGeometry g) {
        return new WeightGradLayout(g);
    }

    /** Writes image n's operands (x image at xOff, dy image at dyOff) into buf[base .. base + stride). */
    void lower(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] buf, int base) {
        int o = g.outChannels(), oh = g.outH(), ow = g.outW();
        if (wide) {
            int wp = WideLowering.paddedW(g);
            Arrays.fill(buf, base, base + bOff, 0f);
            for (int c = 0; c < o; c++)
                for (int r = 0; r < oh; r++)
                    System.arraycopy(dy, dyOff + (c * oh + r) * ow, buf, base + c * len + r * wp, ow);
            WideLowering.pad(g, x, xOff, buf, base + bOff);
            Arrays.fill(buf, base + bOff + WideLowering.paddedSize(g), base + bOff + bFloats, 0f);
        } else {
            int p = oh * ow;
            for (int c = 0; c < o; c++) {
                System.arraycopy(dy, dyOff + c * p, buf, base + c * len, p);
                Arrays.fill(buf, base + c * len + p, base + (c + 1) * len, 0f);
            }
            Im2col.im2col(g, x, xOff, buf, base + bOff, len);
        }
    }

    private static int roundUp16(int n) {
        return (n + 15) & ~15;
    }
}
