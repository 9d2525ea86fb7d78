package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graph recording, accumulation, no-grad scopes, and the gradient checker's own sensitivity. */
class AutogradMechanicsTest {

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = Tensor.of(new float[] {2f, -3f}, 2).requireGrad();
        x.mul(x).add(x).sum().backward(); // d/dx (x² + x) = 2x + 1
        assertArrayEquals(new float[] {5f, -5f}, x.grad());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requireGrad();
        x.mul(3f).sum().backward();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {6f, 6f}, x.grad());
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {3f, 3f}, x.grad());
    }

    @Test
    void noGradScopeRecordsNothingAndNests() {
        Tensor w = Tensor.of(new float[] {1f}, 1).requireGrad();
        try (var outer = GradMode.off()) {
            try (var inner = GradMode.off()) {
                assertFalse(w.mul(2f).requiresGrad());
            }
            Tensor y = w.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.node());
            assertThrows(IllegalStateException.class, y::backward);
        }
        assertTrue(GradMode.enabled());
        assertTrue(w.mul(2f).requiresGrad());
    }

    @Test
    void onlyTensorsThatRequireGradReceiveIt() {
        Tensor w = Tensor.of(new float[] {2f}, 1).requireGrad();
        Tensor c = Tensor.of(new float[] {5f}, 1);
        w.mul(c).sum().backward();
        assertArrayEquals(new float[] {5f}, w.grad());
        assertNull(c.grad());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.of(new float[] {1f}, 1).requireGrad();
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) y = y.add(0.5f);
        y.sum().backward();
        assertArrayEquals(new float[] {1f}, x.grad());
    }

    @Test
    void aSecondBackwardThroughAFreedGraphIsRefused() {
        Tensor x = Tensor.of(new float[] {1f}, 1).requireGrad();
        Tensor h = x.mul(2f);
        Tensor y = h.sum();
        y.backward();
        assertThrows(IllegalStateException.class, y::backward);
        assertThrows(IllegalStateException.class, () -> h.mul(3f).sum().backward());
    }

    @Test
    void nonScalarBackwardNeedsASeed() {
        Tensor x = Tensor.zeros(3).requireGrad();
        assertThrows(IllegalStateException.class, () -> x.mul(2f).backward());
        assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward(new float[2]));
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        // y = 2x with a backward that claims dy/dx = 3: the checker must fail.
        Tensor x = Tensor.of(new float[] {0.3f, -1.1f, 2f}, 3).requireGrad();
        var check = GradCheck.of(in -> {
            float[] out = new float[in[0].size()];
            for (int i = 0; i < out.length; i++) out[i] = 2 * in[0].data()[i];
            return Tensor.result(out, in[0].shape(), "wrong", g -> {
                float[] gx = in[0].gradBuffer();
                for (int i = 0; i < g.length; i++) gx[i] += 3 * g[i];
            }, in[0]);
        });
        assertThrows(AssertionError.class, () -> check.check(x));
    }
}
