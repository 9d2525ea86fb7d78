package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Gradient checks for sum/mean over axes, reshape and flatten, plus their shapes and values. */
class ReduceAndShapeGradientTest {
    private final Random rng = new Random(3);

    @Test
    void sumAndMeanOfEverything() {
        GradCheck.of(in -> in[0].sum()).check(GradCheck.param(rng, 3, 5, 2));
        GradCheck.of(in -> in[0].mean()).check(GradCheck.param(rng, 7, 3));
    }

    @Test
    void sumAndMeanOverAxes() {
        GradCheck.of(in -> in[0].sum(false, 1)).check(GradCheck.param(rng, 3, 5, 2));
        GradCheck.of(in -> in[0].sum(true, 0, 2)).check(GradCheck.param(rng, 3, 5, 2));
        GradCheck.of(in -> in[0].mean(false, -1)).check(GradCheck.param(rng, 4, 7));
        GradCheck.of(in -> in[0].mean(true, 0, 2, 3)).check(GradCheck.param(rng, 2, 3, 5, 3));
    }

    @Test
    void reductionShapesAndValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor s0 = a.sum(false, 0);
        assertArrayEquals(new int[] {3}, s0.shape());
        assertArrayEquals(new float[] {5, 7, 9}, s0.data());
        Tensor m1 = a.mean(true, 1);
        assertArrayEquals(new int[] {2, 1}, m1.shape());
        assertArrayEquals(new float[] {2, 5}, m1.data());
        assertEquals(21f, a.sum().item());
        assertThrows(IllegalArgumentException.class, () -> a.sum(false, 2));
        assertThrows(IllegalArgumentException.class, () -> a.sum(false, 1, -1));
    }

    @Test
    void reshapeAndFlatten() {
        GradCheck.of(in -> in[0].reshape(5, -1).mul(in[0].reshape(5, 6))).check(GradCheck.param(rng, 2, 3, 5));
        GradCheck.of(in -> in[0].flatten().square()).check(GradCheck.param(rng, 2, 3, 2, 2));
        Tensor f = Tensor.zeros(4, 3, 2, 2).flatten();
        assertArrayEquals(new int[] {4, 12}, f.shape());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4, 3).reshape(5, -1));
        assertEquals("cannot reshape [4, 3] to [5, -1]", e.getMessage());
    }
}
