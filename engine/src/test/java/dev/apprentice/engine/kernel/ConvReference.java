package dev.apprentice.engine.kernel;

/**
 * Direct double-precision convolution loops, the definition the fast kernels are tested against.
 * Each result comes with the Σ|terms| of its sum, to scale the tolerance.
 */
final class ConvReference {
    record Result(double[] value, double[] magnitude) {}

    @FunctionalInterface
    private interface Visitor {
        void visit(int xi, int wi, int yi);
    }

    private ConvReference() {}

    /** Visits every (input, weight, output) index triple that the convolution multiplies together. */
    private static void forEachTap(ConvGeometry g, Visitor v) {
        int oh = g.outH(), ow = g.outW();
        for (int n = 0; n < g.batch(); n++)
            for (int o = 0; o < g.outChannels(); o++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++) {
                        int yi = ((n * g.outChannels() + o) * oh + r) * ow + q;
                        for (int c = 0; c < g.inChannels(); c++)
                            for (int ki = 0; ki < g.kernelH(); ki++)
                                for (int kj = 0; kj < g.kernelW(); kj++) {
                                    int ih = r * g.strideH() - g.padH() + ki, iw = q * g.strideW() - g.padW() + kj;
                                    if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) continue;
                                    int xi = ((n * g.inChannels() + c) * g.inH() + ih) * g.inW() + iw;
                                    int wi = ((o * g.inChannels() + c) * g.kernelH() + ki) * g.kernelW() + kj;
                                    v.visit(xi, wi, yi);
                                }
                    }
    }

    private static Result start(float[] init, int size) {
        double[] val = new double[size], mag = new double[size];
        if (init != null) for (int i = 0; i < size; i++) {
            val[i] = init[i];
            mag[i] = Math.abs(init[i]);
        }
        return new Result(val, mag);
    }

    static Result forward(ConvGeometry g, float[] x, float[] w, float[] bias) {
        Result r = start(null, g.outputSize());
        if (bias != null) {
            int p = g.outH() * g.outW();
            for (int i = 0; i < r.value.length; i++) {
                float b = bias[(i / p) % g.outChannels()];
                r.value[i] = b;
                r.magnitude[i] = Math.abs(b);
            }
        }
        forEachTap(g, (xi, wi, yi) -> {
            double t = (double) x[xi] * w[wi];
            r.value[yi] += t;
            r.magnitude[yi] += Math.abs(t);
        });
        return r;
    }

    static Result backwardData(ConvGeometry g, float[] dy, float[] w, float[] dxInit) {
        Result r = start(dxInit, g.inputSize());
        forEachTap(g, (xi, wi, yi) -> {
            double t = (double) dy[yi] * w[wi];
            r.value[xi] += t;
            r.magnitude[xi] += Math.abs(t);
        });
        return r;
    }

    static Result backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dwInit) {
        Result r = start(dwInit, g.weightSize());
        forEachTap(g, (xi, wi, yi) -> {
            double t = (double) dy[yi] * x[xi];
            r.value[wi] += t;
            r.magnitude[wi] += Math.abs(t);
        });
        return r;
    }

    static Result backwardBias(ConvGeometry g, float[] dy, float[] dbInit) {
        Result r = start(dbInit, g.outChannels());
        int p = g.outH() * g.outW();
        for (int i = 0; i < dy.length; i++) {
            int o = (i / p) % g.outChannels();
            r.value[o] += dy[i];
            r.magnitude[o] += Math.abs(dy[i]);
        }
        return r;
    }
}
