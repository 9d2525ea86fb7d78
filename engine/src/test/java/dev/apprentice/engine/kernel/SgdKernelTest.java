package dev.apprentice.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The vector body of the SGD kernel must give the same bits as its scalar formulas (PyTorch's
 * per-element order with fused multiply-adds), for every configuration, at sizes with and
 * without a tail.
 */
class SgdKernelTest {

    /** PyTorch's _single_tensor_sgd for one element, written out independently of the kernel's twin. */
    static void reference(float[] p, float[] g, float[] buf, float negLr, float wd, float m, float keep,
                          boolean nesterov, boolean first) {
        for (int i = 0; i < p.length; i++) {
            float d = wd != 0 ? Math.fma(p[i], wd, g[i]) : g[i];
            if (buf != null) {
                buf[i] = first ? d : Math.fma(d, keep, buf[i] * m);
                d = nesterov ? Math.fma(buf[i], m, d) : buf[i];
            }
            p[i] = Math.fma(d, negLr, p[i]);
        }
    }

    static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    @Test
    void vectorBodyMatchesScalarFormulasBitForBit() {
        Random rng = new Random(3);
        for (int n : new int[] {1, 7, 16, 64, 131}) {
            for (int config = 0; config < 16; config++) {
                boolean momentum = (config & 1) != 0, nesterov = momentum && (config & 2) != 0;
                boolean first = (config & 4) != 0;
                float wd = (config & 8) != 0 ? 5e-4f : 0f, keep = nesterov ? 1f : 0.7f;
                float[] p = random(rng, n), g = random(rng, n), buf = momentum ? random(rng, n) : null;
                float[] p2 = p.clone(), buf2 = buf == null ? null : buf.clone();
                float[] p3 = p.clone(), buf3 = buf == null ? null : buf.clone();
                SgdKernel.step(p, g, buf, n, -0.1f, wd, 0.9f, keep, nesterov, first);
                reference(p2, g, buf2, -0.1f, wd, 0.9f, keep, nesterov, first);
                if (buf3 == null) SgdKernel.plainScalar(p3, g, 0, n, -0.1f, wd);
                else SgdKernel.withMomentumScalar(p3, g, buf3, 0, n, -0.1f, wd, 0.9f, keep, nesterov, first);
                assertArrayEquals(p2, p, "p, n=" + n + " config=" + config);
                assertArrayEquals(p2, p3, "the scalar twin's p, n=" + n + " config=" + config);
                if (buf != null) assertArrayEquals(buf2, buf, "buf, n=" + n + " config=" + config);
                if (buf != null) assertArrayEquals(buf2, buf3, "the scalar twin's buf, n=" + n + " config=" + config);
            }
        }
    }
}
