package dev.apprentice.engine.kernel;

import java.util.Arrays;

/**
 * Lays out one image's operands for {@link WeightGradDot}: its output gradient as O rows of len
 * floats (zero-padded to a multiple of 16), then the rows of its column matrix ({@link Im2col}, row
 * stride len), B row j being the len floats from {@code bOff + rowOff[j]}.
 */
final class WeightGradLayout {
    final int len, bOff, stride;
    final int[] rowOff;

    private WeightGradLayout(ConvGeometry g) {
        int o = g.outChannels(), k = g.inChannels() * g.kernelH() * g.kernelW();
        len = roundUp16(g.outH() * g.outW());
        rowOff = new int[k];
        for (int j = 0; j < k; j++) rowOff[j] = j * len;
        bOff = o * len;
        stride = roundUp16(bOff + k * len);
    }

    static WeightGradLayout of(ConvGeometry g) {
        return new WeightGradLayout(g);
    }

    /** Writes image n's operands (x image at xOff, dy image at dyOff) into buf[base .. base + stride). */
    void lower(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] buf, int base) {
        int o = g.outChannels(), p = g.outH() * g.outW();
        for (int c = 0; c < o; c++) {
            System.arraycopy(dy, dyOff + c * p, buf, base + c * len, p);
            Arrays.fill(buf, base + c * len + p, base + (c + 1) * len, 0f);
        }
        Im2col.im2col(g, x, xOff, buf, base + bOff, len);
    }

    private static int roundUp16(int n) {
        return (n + 15) & ~15;
    }
}
