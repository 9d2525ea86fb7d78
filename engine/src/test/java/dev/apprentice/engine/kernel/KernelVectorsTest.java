package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The short-range loops of batch norm, pooling and the conv epilogues against their scalar twins
 * ({@link KernelScalars}), at lengths with and without a tail: bit for bit where the vector loop does
 * the twin's operations per element, to rounding where it sums in lanes.
 */
class KernelVectorsTest {
    private static final int[] LENGTHS = {1, 3, 7, 8, 14, 17, 49, 196, 784, 2500};

    private static float[] random(Random rng, int n) {
        return KernelTestSupport.random(rng, n);
    }

    @Test
    void elementwiseLoopsMatchBitForBit() {
        Random rng = new Random(3);
        for (int len : LENGTHS) {
            int off = 3;
            float[] x = random(rng, len + off), r = random(rng, len + off), dy = random(rng, len + off), dx0 = random(rng, len + off);
            for (int i = 0; i < r.length; i += 3) r[i] = 0f; // relu outputs with zeros
            float[] a = x.clone(), b = x.clone();
            KernelVectors.addScalar(a, off, len, 0.75f);
            KernelScalars.addScalar(b, off, 0.75f, 0, len);
            assertBits("addScalar", b, a, len);
            a = new float[len + off]; b = new float[len + off];
            KernelVectors.copyEpilogue(x, off, a, off, len, true, 0.5f, r, off, true);
            KernelScalars.copyEpilogue(x, off, b, off, true, 0.5f, r, off, true, 0, len);
            assertBits("copyEpilogue", b, a, len);
            a = dx0.clone(); b = dx0.clone();
            KernelVectors.addTo(a, off, x, off, len);
            KernelScalars.addTo(b, off, x, off, 0, len);
            assertBits("addTo", b, a, len);
            a = new float[len + off]; b = new float[len + off];
            KernelVectors.affineRelu(x, r, a, off, len, 1.5f, -0.25f);
            KernelScalars.affineRelu(x, r, b, off, 1.5f, -0.25f, 0, len);
            assertBits("affineRelu", b, a, len);
            a = new float[len + off]; b = new float[len + off];
            KernelVectors.affine(x, a, off, len, 1.5f, -0.25f);
            KernelScalars.affine(x, b, off, 1.5f, -0.25f, 0, len);
            assertBits("affine", b, a, len);
            for (boolean acc : new boolean[] {false, true}) {
                a = dx0.clone(); b = dx0.clone();
                KernelVectors.batchNormGrad(a, acc, dy, x, off, len, 0.3f, -0.2f, 0.1f, 0.05f);
                KernelScalars.batchNormGrad(b, acc, dy, null, x, off, 0.3f, -0.2f, 0.1f, 0.05f, 0, len);
                assertBits("batchNormGrad " + acc, b, a, len);
                a = dx0.clone(); b = dx0.clone();
                KernelVectors.batchNormGradPassed(a, acc, dy, r, x, off, len, 0.3f, -0.2f, 0.1f, 0.05f);
                KernelScalars.batchNormGrad(b, acc, dy, r, x, off, 0.3f, -0.2f, 0.1f, 0.05f, 0, len);
                assertBits("batchNormGradPassed " + acc, b, a, len);
            }
        }
    }

    @Test
    void sumsMatchToRounding() {
        Random rng = new Random(4);
        for (int len : LENGTHS) {
            int off = 2;
            float[] x = random(rng, len + off), y = random(rng, len + off), r = random(rng, len + off);
            double mag = 0;
            for (int i = off; i < off + len; i++) mag += Math.abs(x[i]) + Math.abs(x[i] * y[i]);
            double tol = 1e-6 * (mag + 1);
            assertEquals(KernelScalars.sum(0f, x, off, 0, len), KernelVectors.sum(x, off, len), tol, "sum " + len);
            assertEquals(KernelScalars.sumPassed(0f, y, r, off, 0, len), KernelVectors.sumPassed(y, r, off, len), tol, "sumPassed " + len);
            assertEquals(KernelScalars.dotCenteredPassed(0f, x, y, null, off, 0.1f, 0, len), KernelVectors.dotCentered(x, y, off, len, 0.1f), tol + 1e-6 * len, "dotCentered " + len);
            assertEquals(KernelScalars.dotCenteredPassed(0f, x, y, r, off, 0.1f, 0, len), KernelVectors.dotCenteredPassed(x, y, r, off, len, 0.1f), tol + 1e-6 * len, "dotCenteredPassed " + len);
            double[] acc = new double[2];
            KernelVectors.addDeviationSums(x, off, len, 0.2f, acc);
            float[] t = new float[2];
            KernelScalars.deviationSums(x, off, 0.2f, t, 0, len);
            assertEquals(t[0], acc[0], tol + 1e-6 * len, "deviation sum " + len);
            assertEquals(t[1], acc[1], 1e-5 * (t[1] + 1), "squared deviation sum " + len);
        }
    }

    private static void assertBits(String what, float[] twin, float[] vector, int len) {
        for (int i = 0; i < twin.length; i++)
            assertEquals(Float.floatToRawIntBits(twin[i]), Float.floatToRawIntBits(vector[i]), what + " of length " + len + " at " + i);
    }
}
