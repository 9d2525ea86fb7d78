package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Finite-difference gradient checks for element-wise ops, broadcasting included, on odd shapes. */
class ElementwiseOpsGradientTest {
    private final Random rng = new Random(42);

    @Test
    void addSubMulSameShape() {
        GradCheck.of(in -> in[0].add(in[1])).check(GradCheck.param(rng, 3, 5), GradCheck.param(rng, 3, 5));
        GradCheck.of(in -> in[0].sub(in[1])).check(GradCheck.param(rng, 7), GradCheck.param(rng, 7));
        GradCheck.of(in -> in[0].mul(in[1])).check(GradCheck.param(rng, 2, 3, 5), GradCheck.param(rng, 2, 3, 5));
    }

    @Test
    void divSameShapeAwayFromZeroDenominator() {
        Tensor b = GradCheck.awayFrom(rng, new float[] {0f}, 0.5f, 1f, 4, 3);
        GradCheck.of(in -> in[0].div(in[1])).check(GradCheck.param(rng, 4, 3), b);
    }

    @Test
    void broadcastingRowColumnAndChannel() {
        GradCheck.of(in -> in[0].add(in[1])).check(GradCheck.param(rng, 3, 5), GradCheck.param(rng, 5));
        GradCheck.of(in -> in[0].sub(in[1])).check(GradCheck.param(rng, 3, 1), GradCheck.param(rng, 1, 5));
        GradCheck.of(in -> in[0].mul(in[1])).check(GradCheck.param(rng, 2, 3, 4, 5), GradCheck.param(rng, 1, 3, 1, 1));
        Tensor denom = GradCheck.awayFrom(rng, new float[] {0f}, 0.5f, 1f, 3, 1, 1);
        GradCheck.of(in -> in[0].div(in[1])).check(GradCheck.param(rng, 2, 3, 4, 1), denom);
    }

    @Test
    void broadcastValuesMatchAnExplicitLoop() {
        Tensor a = Tensor.randn(rng, 1f, 2, 3, 1), b = Tensor.randn(rng, 1f, 1, 4);
        Tensor c = a.mul(b);
        assertArrayEquals(new int[] {2, 3, 4}, c.shape());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    assertEquals(a.data()[i * 3 + j] * b.data()[k], c.data()[(i * 3 + j) * 4 + k]);
    }

    @Test
    void incompatibleShapesAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).add(Tensor.zeros(5)));
        assertEquals("shapes [3, 4] and [5] do not broadcast", e.getMessage());
    }

    @Test
    void scalarOps() {
        GradCheck.of(in -> in[0].add(2.5f)).check(GradCheck.param(rng, 3, 3));
        GradCheck.of(in -> in[0].mul(-1.75f)).check(GradCheck.param(rng, 11));
        GradCheck.of(in -> Arith.affine(in[0], 0.3f, -1f)).check(GradCheck.param(rng, 2, 7));
        GradCheck.of(in -> in[0].neg()).check(GradCheck.param(rng, 5));
        GradCheck.of(in -> in[0].square()).check(GradCheck.param(rng, 13));
    }

    @Test
    void reluAwayFromTheKink() {
        GradCheck.of(in -> in[0].relu()).check(GradCheck.awayFrom(rng, new float[] {0f}, 0.05f, 1f, 3, 17));
    }

    @Test
    void clampAwayFromTheBounds() {
        GradCheck.of(in -> in[0].clamp(-0.5f, 0.8f)).check(GradCheck.awayFrom(rng, new float[] {-0.5f, 0.8f}, 0.05f, 1f, 4, 9));
    }

    @Test
    void expAndLog() {
        GradCheck.of(in -> in[0].exp()).check(GradCheck.param(rng, 3, 7));
        Tensor positive = Tensor.uniform(rng, 0.5f, 3f, 19).requireGrad();
        GradCheck.of(in -> in[0].log()).check(positive);
    }

    /**
     * Rounding is piecewise constant, so its true derivative is 0; the straight-through estimator
     * replaces it by the identity's. The check: round's gradient equals the finite-difference
     * gradient of the identity surrogate x ↦ x, while its values are exactly rint(x).
     */
    @Test
    void roundStraightThrough() {
        Tensor x = GradCheck.awayFrom(rng, new float[] {-1.5f, -0.5f, 0.5f, 1.5f}, 0.05f, 1.5f, 5, 5);
        Tensor y = x.roundSte();
        for (int i = 0; i < x.size(); i++) assertEquals((float) Math.rint(x.data()[i]), y.data()[i]);
        assertEquals(0f, Tensor.of(new float[] {0.5f, 1.5f, 2.5f, -0.5f}, 4).roundSte().data()[0]);
        assertArrayEquals(new float[] {0f, 2f, 2f, -0f}, Tensor.of(new float[] {0.5f, 1.5f, 2.5f, -0.5f}, 4).roundSte().data());

        Tensor probe = x.copy().requireGrad();
        float[] seed = Tensor.randn(rng, 1f, 25).data();
        probe.roundSte().backward(seed);
        Tensor surrogate = x.copy().requireGrad();
        GradCheck.of(in -> in[0].mul(1f)).check(surrogate); // the surrogate itself passes FD
        surrogate.zeroGrad();
        surrogate.mul(1f).backward(seed);
        assertArrayEquals(surrogate.grad(), probe.grad());
    }
}
