package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;

/**
 * Max, average and global-average pooling over NCHW planes. Work is split over (n, c) planes,
 * each written by one task, so results do not depend on the thread count. Windows are clipped
 * to the image (padding contributes nothing), which is what -inf padding means for max and
 * zero padding means for average pooling.
 */
public final class Pool2dKernel {
    /** Planes per task at least this many elements in all, so tiny planes are not one task each. */
    private static final int MIN_TASK_ELEMENTS = 16384;

    private Pool2dKernel() {}

    /**
     * Max pooling; padding never wins (acts as -inf); argmax gets the flat input index (into x,
     * batch and channel included) per output. Ties: the first maximum in row-major window order
     * wins. A NaN in the window wins over numbers (the first NaN), so NaNs propagate as in PyTorch.
     */
    public static void maxForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        KernelChecks.length("x", x, g.inputSize());
        KernelChecks.length("y", y, g.outputSize());
        KernelChecks.length("argmax", argmax, g.outputSize());
        final int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        forPlanes(g, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xBase = plane * h * w, yi = plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int h0 = r * g.strideH() - g.padH(), hLo = Math.max(h0, 0), hHi = Math.min(h0 + g.kernelH(), h);
                    for (int q = 0; q < ow; q++, yi++) {
                        int w0 = q * g.strideW() - g.padW(), wLo = Math.max(w0, 0), wHi = Math.min(w0 + g.kernelW(), w);
                        int best = xBase + hLo * w + wLo;
                        float bv = x[best];
                        for (int ih = hLo; ih < hHi; ih++) {
                            for (int iw = wLo, xi = xBase + ih * w + wLo; iw < wHi; iw++, xi++) {
                                float v = x[xi];
                                if (v > bv || (v != v && bv == bv)) {
                                    bv = v;
                                    best = xi;
                                }
                            }
                        }
                        y[yi] = bv;
                        argmax[yi] = best;
                    }
                }
            }
        });
    }

    /**
     * dx[argmax[i]] += dy[i]. Overlapping windows may share an argmax, so each plane is done by
     * one task in output order (a plane's argmax entries point into the same plane; checked).
     */
    public static void maxBackward(PoolGeometry g, float[] dy, int[] argmax, float[] dx) {
        KernelChecks.length("dy", dy, g.outputSize());
        KernelChecks.length("argmax", argmax, g.outputSize());
        KernelChecks.length("dx", dx, g.inputSize());
        final int planeOut = g.outH() * g.outW(), planeIn = g.inH() * g.inW();
        forPlanes(g, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int lo = plane * planeIn, hi = lo + planeIn;
                for (int i = plane * planeOut, end = i + planeOut; i < end; i++) {
                    int xi = argmax[i];
                    if (xi < lo || xi >= hi)
                        throw new IllegalArgumentException("argmax[" + i + "] = " + xi + " lies outside its input plane");
                    dx[xi] += dy[i];
                }
            }
        });
    }

    /** Average pooling, padding counted as zeros, divisor kernelH·kernelW (PyTorch count_include_pad=True). */
    public static void avgForward(PoolGeometry g, float[] x, float[] y) {
        KernelChecks.length("x", x, g.inputSize());
        KernelChecks.length("y", y, g.outputSize());
        final int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        final float inv = 1f / (g.kernelH() * g.kernelW());
        forPlanes(g, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xBase = plane * h * w, yi = plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int h0 = r * g.strideH() - g.padH(), hLo = Math.max(h0, 0), hHi = Math.min(h0 + g.kernelH(), h);
                    for (int q = 0; q < ow; q++, yi++) {
                        int w0 = q * g.strideW() - g.padW(), wLo = Math.max(w0, 0), wHi = Math.min(w0 + g.kernelW(), w);
                        float s = 0;
                        for (int ih = hLo; ih < hHi; ih++)
                            for (int xi = xBase + ih * w + wLo, end = xBase + ih * w + wHi; xi < end; xi++) s += x[xi];
                        y[yi] = s * inv;
                    }
                }
            }
        });
    }

    /** dx += each dy spread evenly (1/(kernelH·kernelW)) over the real pixels of its window. */
    public static void avgBackward(PoolGeometry g, float[] dy, float[] dx) {
        KernelChecks.length("dy", dy, g.outputSize());
        KernelChecks.length("dx", dx, g.inputSize());
        final int h = g.inH(), w = g.inW(), oh = g.outH(), ow = g.outW();
        final float inv = 1f / (g.kernelH() * g.kernelW());
        forPlanes(g, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int xBase = plane * h * w, yi = plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int h0 = r * g.strideH() - g.padH(), hLo = Math.max(h0, 0), hHi = Math.min(h0 + g.kernelH(), h);
                    for (int q = 0; q < ow; q++, yi++) {
                        int w0 = q * g.strideW() - g.padW(), wLo = Math.max(w0, 0), wHi = Math.min(w0 + g.kernelW(), w);
                        float d = dy[yi] * inv;
                        for (int ih = hLo; ih < hHi; ih++)
                            for (int xi = xBase + ih * w + wLo, end = xBase + ih * w + wHi; xi < end; xi++) dx[xi] += d;
                    }
                }
            }
        });
    }

    /** Mean over H·W per (n, c): x is N×C×hw, y is N×C. */
    public static void globalAvgForward(int batch, int channels, int hw, float[] x, float[] y) {
        checkGlobal(batch, channels, hw);
        KernelChecks.length("x", x, (long) batch * channels * hw);
        KernelChecks.length("y", y, (long) batch * channels);
        Parallel.forRange(batch * channels, minPlanes(hw), (from, to) -> {
            for (int p = from; p < to; p++) y[p] = (float) (KernelVectors.sum(x, p * hw, hw) / hw);
        });
    }

    /** dx += dy / hw, broadcast over each plane. */
    public static void globalAvgBackward(int batch, int channels, int hw, float[] dy, float[] dx) {
        checkGlobal(batch, channels, hw);
        KernelChecks.length("dy", dy, (long) batch * channels);
        KernelChecks.length("dx", dx, (long) batch * channels * hw);
        Parallel.forRange(batch * channels, minPlanes(hw), (from, to) -> {
            for (int p = from; p < to; p++) KernelVectors.addScalar(dx, p * hw, hw, dy[p] / hw);
        });
    }

    private static void checkGlobal(int batch, int channels, int hw) {
        KernelChecks.positive("batch", batch);
        KernelChecks.positive("channels", channels);
        KernelChecks.positive("hw", hw);
        KernelChecks.fitsArray("input", (long) batch * channels * hw);
    }

    private static void forPlanes(PoolGeometry g, Parallel.RangeBody body) {
        Parallel.forRange(g.batch() * g.channels(), minPlanes(g.inH() * g.inW()), body);
    }

    private static int minPlanes(int planeSize) {
        return Math.max(1, MIN_TASK_ELEMENTS / planeSize);
    }
}
