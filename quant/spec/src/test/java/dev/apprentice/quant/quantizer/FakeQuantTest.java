package dev.apprentice.quant.quantizer;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.quant.WeightQuantizer;
import dev.apprentice.quant.packed.Epilogue;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Forward values and straight-through gradients of the fake-quantization ops. */
class FakeQuantTest {

    @Test
    void twoBitActivationsTakeFourLevelsAndPassGradientInsideTheClamp() {
        Tensor x = Tensor.of(new float[] {-0.5f, 0.1f, 0.2f, 0.5f, 0.9f, 1.7f}, 6).requireGrad();
        Tensor y = FakeQuant.activations(x, 2);
        // 3x = −1.5, 0.3, 0.6, 1.5 (tie → 2), 2.7, 5.1 → clamped codes 0, 0, 1, 2, 3, 3
        assertArrayEquals(new float[] {0f, 0f, 1f / 3, 2f / 3, 1f, 1f}, y.data(), 1e-7f);
        y.sum().backward();
        assertArrayEquals(new float[] {0f, 1f, 1f, 1f, 1f, 0f}, x.grad());
    }

    @Test
    void activationsMatchTheEpilogueCodesExactlyAndTakeOnlyGridValues() {
        Random rng = new Random(5);
        float[] v = new float[10_000];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian() * 0.8f + 0.4f;
        for (int bits : new int[] {2, 4, 8}) {
            int levels = (1 << bits) - 1;
            float[] y = FakeQuant.activations(Tensor.of(v.clone(), v.length), bits).data();
            Set<Float> seen = new TreeSet<>();
            for (int i = 0; i < v.length; i++) {
                assertEquals(Epilogue.dequantize(Epilogue.quantize(v[i], levels), levels), y[i], "a" + bits + " at " + v[i]);
                seen.add(y[i]);
            }
            assertEquals(levels + 1, seen.size(), "a" + bits + " uses every level and nothing else");
        }
    }

    @Test
    void ternaryWeightsTakeThreeValuesPerRowAndTheGradientGoesStraightThrough() {
        Random rng = new Random(7);
        Tensor w = Tensor.randn(rng, 0.1f, 4, 3, 3, 3).requireGrad();
        Tensor q = FakeQuant.weights(w, WeightQuantizer.ternary(0.7f, true));
        for (int r = 0; r < 4; r++) {
            Set<Float> values = new TreeSet<>();
            for (int i = r * 27; i < (r + 1) * 27; i++) values.add(Math.abs(q.data()[i]));
            assertEquals(2, values.size(), "row " + r + ": 0 and α");
        }
        Tensor g = Tensor.randn(rng, 1f, 4, 3, 3, 3);
        q.mul(g).sum().backward();
        assertArrayEquals(g.data(), w.grad());
    }

    @Test
    void wrpnWeightGradientStopsOutsideTheUnitRange() {
        Tensor w = Tensor.of(new float[] {1.5f, 0.4f, -0.6f, -2f}, 1, 4).requireGrad();
        Tensor q = FakeQuant.weights(w, WeightQuantizer.wrpn(2));
        assertArrayEquals(new float[] {1f, 0f, -1f, -1f}, q.data());
        q.sum().backward();
        assertArrayEquals(new float[] {0f, 1f, 1f, 0f}, w.grad());
    }
}
