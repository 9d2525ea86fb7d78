package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link FloatTapKernel#pixels}: the same sums in the same (tap, input channel)
 * order, one fma at a time, so the vector kernel is tested against it bit for bit; it runs where the
 * JVM compiles no vector code.
 */
public final class FloatTapKernelScalar {
    private FloatTapKernelScalar() {}

    /** As {@link FloatTapKernel#pixels}, with the pixels' bases in an array. */
    public static void pixels(float[] q, int ch, int taps, int tiles, int t0, int t1, int[] tapOffsets, float[] x,
                              int[] bases, float[] sums, int sOff, int sStride) {
        int lanes = FloatRowKernel.LANES;
        for (int r = 0; r < bases.length; r++)
            for (int o = 0; o < tiles * lanes; o++) {
                int w0 = o / lanes * taps * ch * lanes + o % lanes;
                float s = 0f;
                for (int t = t0; t < t1; t++)
                    for (int c = 0; c < ch; c++) s = Math.fma(x[bases[r] + tapOffsets[t] + c], q[w0 + (t * ch + c) * lanes], s);
                sums[sOff + r * sStride + o] = s;
            }
    }
}
