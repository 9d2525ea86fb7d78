package dev.apprentice.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every element-wise kernel against its scalar twin, bit for bit (the same formula per element), on lengths with tails and above the parallel grain. */
class ElementwiseTest {
    @Test
    void matchesTheScalarTwinBitForBit() {
        Random rng = new Random(6);
        for (int n : new int[] {1, 5, 16, 37, 1000, 70_001}) {
            float[] a = KernelTestSupport.random(rng, n), b = KernelTestSupport.random(rng, n), g = KernelTestSupport.random(rng, n);
            for (int i = 0; i < n; i += 4) b[i] = 0f;
            check("add", n, o -> Elementwise.add(a, b, o), o -> ElementwiseScalar.add(a, b, o, 0, n));
            check("sub", n, o -> Elementwise.sub(a, b, o), o -> ElementwiseScalar.sub(a, b, o, 0, n));
            check("mul", n, o -> Elementwise.mul(a, b, o), o -> ElementwiseScalar.mul(a, b, o, 0, n));
            check("div", n, o -> Elementwise.div(a, b, o), o -> ElementwiseScalar.div(a, b, o, 0, n));
            check("affine", n, o -> Elementwise.affine(a, 0.3f, -1.5f, o), o -> ElementwiseScalar.affine(a, 0.3f, -1.5f, o, 0, n));
            check("relu", n, o -> Elementwise.relu(a, o), o -> ElementwiseScalar.relu(a, o, 0, n));
            check("clamp", n, o -> Elementwise.clamp(a, -0.5f, 0.5f, o), o -> ElementwiseScalar.clamp(a, -0.5f, 0.5f, o, 0, n));
            check("reluBackwardInto", n, o -> Elementwise.reluBackwardInto(b, g, o), o -> ElementwiseScalar.reluBackwardInto(b, g, o, 0, n));
            checkInPlace("addInPlace", g, o -> Elementwise.addInPlace(o, a, 0, n), o -> ElementwiseScalar.addInPlace(o, a, 0, n));
            checkInPlace("axpy", g, o -> Elementwise.axpy(n, 0.7f, a, 0, o, 0), o -> ElementwiseScalar.axpy(0.7f, a, 0, o, 0, 0, n));
            checkInPlace("reluBackward", g, o -> Elementwise.reluBackward(b, a, o), o -> ElementwiseScalar.reluBackward(b, a, o, 0, n));
            checkInPlace("scaleInPlace", g, o -> Elementwise.scaleInPlace(o, 0, n, 1.25f), o -> ElementwiseScalar.scaleInPlace(o, 0, 1.25f, 0, n));
            assertEquals(ElementwiseScalar.sum(0f, a, 0, 0, n), Elementwise.sum(a, 0, n), 1e-5f * n, "sum of " + n);
            assertEquals(ElementwiseScalar.dot(0f, a, 0, b, 0, 0, n), Elementwise.dot(a, 0, b, 0, n), 1e-5f * n, "dot of " + n);
        }
    }

    private static void check(String what, int n, java.util.function.Consumer<float[]> vector, java.util.function.Consumer<float[]> twin) {
        float[] v = new float[n], t = new float[n];
        vector.accept(v);
        twin.accept(t);
        for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(t[i]), Float.floatToRawIntBits(v[i]), what + " of " + n + " at " + i);
    }

    private static void checkInPlace(String what, float[] start, java.util.function.Consumer<float[]> vector, java.util.function.Consumer<float[]> twin) {
        float[] v = start.clone(), t = start.clone();
        vector.accept(v);
        twin.accept(t);
        for (int i = 0; i < v.length; i++) assertEquals(Float.floatToRawIntBits(t[i]), Float.floatToRawIntBits(v[i]), what + " of " + v.length + " at " + i);
    }
}
