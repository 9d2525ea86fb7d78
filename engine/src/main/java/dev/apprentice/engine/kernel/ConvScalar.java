package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;

/**
 * The plain twin of {@link Conv2dKernel}: direct loops over NCHW images and OIHW weights, no
 * lowering, no vectors. Each output element sums its products with fma over (input channel, kernel
 * row, kernel column) ascending, taps in the padding skipped; the weight gradient sums over images,
 * then output pixels, in order. Work is split by images (forward, input gradient) or by output
 * channels (weight gradient), each element computed by one task in one order, so results do not
 * depend on the thread count. It runs every convolution where the JVM compiles no vector code and is
 * the reference the vector paths are tested against.
 */
public final class ConvScalar {
    private ConvScalar() {}

    /** As {@link Conv2dKernel#forward(ConvGeometry, float[], float[], float[], float[], boolean, float[])}. */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, boolean relu, float[] y) {
        int o = g.outChannels(), c = g.inChannels(), oh = g.outH(), ow = g.outW(), p = oh * ow;
        Parallel.forEach(g.batch(), n -> {
            for (int oc = 0; oc < o; oc++) {
                int yo = (n * o + oc) * p;
                java.util.Arrays.fill(y, yo, yo + p, 0f);
                for (int ic = 0; ic < c; ic++)
                    for (int ki = 0; ki < g.kernelH(); ki++)
                        for (int kj = 0; kj < g.kernelW(); kj++) {
                            float wv = w[((oc * c + ic) * g.kernelH() + ki) * g.kernelW() + kj];
                            int xPlane = (n * c + ic) * g.inH() * g.inW();
                            for (int r = 0; r < oh; r++) {
                                int iy = r * g.strideH() - g.padH() + ki;
                                if (iy < 0 || iy >= g.inH()) continue;
                                for (int q = 0; q < ow; q++) {
                                    int ix = q * g.strideW() - g.padW() + kj;
                                    if (ix < 0 || ix >= g.inW()) continue;
                                    y[yo + r * ow + q] = Math.fma(wv, x[xPlane + iy * g.inW() + ix], y[yo + r * ow + q]);
                                }
                            }
                        }
                KernelScalars.copyEpilogue(y, yo, y, yo, bias != null, bias == null ? 0f : bias[oc], residual, yo, relu, 0, p);
            }
        });
    }

    /** As {@link Conv2dKernel#backwardData(ConvGeometry, float[], float[], float[], boolean)}: dx (+)= the transposed convolution of dy. */
    public static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
        int o = g.outChannels(), c = g.inChannels(), oh = g.outH(), ow = g.outW(), hw = g.inH() * g.inW();
        Parallel.forEach(g.batch(), n -> {
            if (!accumulate) java.util.Arrays.fill(dx, n * c * hw, (n + 1) * c * hw, 0f);
            for (int ic = 0; ic < c; ic++) {
                int xPlane = (n * c + ic) * hw;
                for (int oc = 0; oc < o; oc++)
                    for (int ki = 0; ki < g.kernelH(); ki++)
                        for (int kj = 0; kj < g.kernelW(); kj++) {
                            float wv = w[((oc * c + ic) * g.kernelH() + ki) * g.kernelW() + kj];
                            int yPlane = (n * o + oc) * oh * ow;
                            for (int r = 0; r < oh; r++) {
                                int iy = r * g.strideH() - g.padH() + ki;
                                if (iy < 0 || iy >= g.inH()) continue;
                                for (int q = 0; q < ow; q++) {
                                    int ix = q * g.strideW() - g.padW() + kj;
                                    if (ix < 0 || ix >= g.inW()) continue;
                                    dx[xPlane + iy * g.inW() + ix] = Math.fma(wv, dy[yPlane + r * ow + q], dx[xPlane + iy * g.inW() + ix]);
                                }
                            }
                        }
            }
        });
    }

    /** As {@link Conv2dKernel#backwardWeights}: dw += the correlation of x and dy over the batch. */
    public static void backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int o = g.outChannels(), c = g.inChannels(), oh = g.outH(), ow = g.outW(), hw = g.inH() * g.inW();
        Parallel.forRange(o, 1, (from, to) -> {
            for (int oc = from; oc < to; oc++)
                for (int ic = 0; ic < c; ic++)
                    for (int ki = 0; ki < g.kernelH(); ki++)
                        for (int kj = 0; kj < g.kernelW(); kj++) {
                            float s = 0f;
                            for (int n = 0; n < g.batch(); n++) {
                                int xPlane = (n * c + ic) * hw, yPlane = (n * o + oc) * oh * ow;
                                for (int r = 0; r < oh; r++) {
                                    int iy = r * g.strideH() - g.padH() + ki;
                                    if (iy < 0 || iy >= g.inH()) continue;
                                    for (int q = 0; q < ow; q++) {
                                        int ix = q * g.strideW() - g.padW() + kj;
                                        if (ix < 0 || ix >= g.inW()) continue;
                                        s = Math.fma(dy[yPlane + r * ow + q], x[xPlane + iy * g.inW() + ix], s);
                                    }
                                }
                            }
                            dw[((oc * c + ic) * g.kernelH() + ki) * g.kernelW() + kj] += s;
                        }
        });
    }

    /** As {@link Conv2dKernel#backwardBias}: db += dy summed over images and pixels, in double. */
    public static void backwardBias(ConvGeometry g, float[] dy, float[] db) {
        int o = g.outChannels(), p = g.outH() * g.outW();
        for (int oc = 0; oc < o; oc++) {
            double s = 0;
            for (int n = 0; n < g.batch(); n++)
                for (int i = 0; i < p; i++) s += dy[(n * o + oc) * p + i];
            db[oc] += (float) s;
        }
    }
}
