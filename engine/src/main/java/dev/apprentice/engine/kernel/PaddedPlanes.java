package dev.apprentice.engine.kernel;

import java.util.Arrays;

/**
 * An NCHW image copied into zero-padded planes (Hp = H + 2·padH rows of Wp = W + 2·padW), so the
 * kernels that read a kernel window at fixed displacements from a pixel (the 3×3 weight gradient)
 * need no bounds tests.
 */
final class PaddedPlanes {
    private PaddedPlanes() {}

    static int paddedH(ConvGeometry g) {
        return g.inH() + 2 * g.padH();
    }

    static int paddedW(ConvGeometry g) {
        return g.inW() + 2 * g.padW();
    }

    /** Floats of a padded image, with a kernel row of slack past the last plane. */
    static int paddedSize(ConvGeometry g) {
        return g.inChannels() * paddedH(g) * paddedW(g) + g.kernelW();
    }

    /** pad[pOff ..] = image at x[xOff] with zero borders. */
    static void pad(ConvGeometry g, float[] x, int xOff, float[] pad, int pOff) {
        int h = g.inH(), w = g.inW(), hp = paddedH(g), wp = paddedW(g);
        Arrays.fill(pad, pOff, pOff + paddedSize(g), 0f);
        for (int c = 0; c < g.inChannels(); c++)
            for (int i = 0; i < h; i++)
                System.arraycopy(x, xOff + (c * h + i) * w, pad, pOff + (c * hp + i + g.padH()) * wp + g.padW(), w);
    }
}
