package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Gradient checks for matmul, linear, softmax, log-softmax and both cross entropies. */
class MatMulAndLossGradientTest {
    private final Random rng = new Random(11);

    @Test
    void matmul2d() {
        GradCheck.of(in -> in[0].matmul(in[1])).check(GradCheck.param(rng, 3, 7), GradCheck.param(rng, 7, 5));
        GradCheck.of(in -> in[0].matmul(in[1])).check(GradCheck.param(rng, 1, 13), GradCheck.param(rng, 13, 1));
    }

    @Test
    void matmulBatchedAndSharedRight() {
        GradCheck.of(in -> in[0].matmul(in[1])).check(GradCheck.param(rng, 2, 3, 5), GradCheck.param(rng, 2, 5, 4));
        GradCheck.of(in -> in[0].matmul(in[1])).check(GradCheck.param(rng, 3, 2, 5), GradCheck.param(rng, 5, 3));
    }

    @Test
    void matmulValuesAgainstLoopAndShapeErrors() {
        Tensor a = Tensor.randn(rng, 1f, 2, 3, 4), b = Tensor.randn(rng, 1f, 2, 4, 5);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {2, 3, 5}, c.shape());
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++) {
                    double s = 0;
                    for (int p = 0; p < 4; p++) s += a.data()[t * 12 + i * 4 + p] * b.data()[t * 20 + p * 5 + j];
                    assertEquals(s, c.data()[t * 15 + i * 5 + j], 1e-5);
                }
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 2)));
    }

    @Test
    void linearWithAndWithoutBias() {
        GradCheck.of(in -> MatMul.linear(in[0], in[1], in[2]))
                .check(GradCheck.param(rng, 5, 7), GradCheck.param(rng, 3, 7), GradCheck.param(rng, 3));
        GradCheck.of(in -> MatMul.linear(in[0], in[1], null))
                .check(GradCheck.param(rng, 4, 9), GradCheck.param(rng, 2, 9));
    }

    @Test
    void softmaxAndLogSoftmax() {
        GradCheck.of(in -> in[0].softmax()).check(GradCheck.param(rng, 4, 7));
        GradCheck.of(in -> in[0].logSoftmax()).check(GradCheck.param(rng, 3, 2, 5));
        Tensor p = Tensor.of(new float[] {1, 2, 3, 1000, 1000, 1000}, 2, 3).softmax();
        double e1 = Math.exp(-2), e2 = Math.exp(-1), z = e1 + e2 + 1;
        assertEquals(e1 / z, p.data()[0], 1e-6);
        assertEquals(1 / z, p.data()[2], 1e-6);
        assertEquals(1f / 3, p.data()[4], 1e-6); // large logits do not overflow
    }

    @Test
    void crossEntropyWithHardLabels() {
        int[] labels = {2, 0, 4};
        GradCheck.of(in -> Loss.crossEntropy(in[0], labels)).check(GradCheck.param(rng, 3, 5));
        // Hand-worked: logits (0, ln 3) → p = (1/4, 3/4); label 1 → loss −ln(3/4).
        Tensor z = Tensor.of(new float[] {0f, (float) Math.log(3)}, 1, 2).requireGrad();
        Tensor l = Loss.crossEntropy(z, new int[] {1});
        assertEquals(-Math.log(0.75), l.item(), 1e-6);
        l.backward();
        assertArrayEquals(new float[] {0.25f, -0.25f}, z.grad(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Loss.crossEntropy(Tensor.zeros(2, 3), new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class, () -> Loss.crossEntropy(Tensor.zeros(2, 3), new int[] {0}));
    }

    @Test
    void crossEntropyWithSoftTargets() {
        Tensor targets = Tensor.randn(rng, 1f, 4, 6).softmax().requireGrad();
        GradCheck.of(in -> Loss.crossEntropy(in[0], in[1])).check(GradCheck.param(rng, 4, 6), targets);
        // One-hot soft targets give the same value and gradient as hard labels.
        Tensor z1 = Tensor.randn(rng, 1f, 2, 3).requireGrad();
        Tensor z2 = z1.copy().requireGrad();
        Tensor onehot = Tensor.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3);
        Tensor a = Loss.crossEntropy(z1, new int[] {1, 2}), b = Loss.crossEntropy(z2, onehot);
        assertEquals(a.item(), b.item(), 1e-6);
        a.backward();
        b.backward();
        assertArrayEquals(z1.grad(), z2.grad(), 1e-6f);
    }
}
