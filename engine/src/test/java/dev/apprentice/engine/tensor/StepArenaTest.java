package dev.apprentice.engine.tensor;

import dev.apprentice.engine.autograd.Conv;
import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.autograd.MatMul;
import dev.apprentice.engine.autograd.Norm;
import dev.apprentice.engine.autograd.Pool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The step arena lends arrays back to the next step, zeroes what it promises to, and changes no result. */
class StepArenaTest {
    private static final int BIG = StepArena.MIN_FLOATS;

    /** An empty step drops every pooled array (JUnit runs these tests on one thread, one pool). */
    @BeforeEach
    void emptyThePool() {
        StepArena.open().close();
        assertEquals(0, StepArena.pooledFloats());
    }

    @Test
    void outsideAScopeEveryArrayIsFreshAndZero() {
        float[] a = StepArena.zeros(BIG), b = StepArena.overwritten(BIG);
        assertNotSame(a, b);
        assertEquals(0, StepArena.pooledFloats());
        for (float v : b) assertEquals(0f, v);
    }

    @Test
    void theNextStepGetsTheSameArraysAndZerosStillMeansZero() {
        float[] first, second;
        try (var arena = StepArena.open()) {
            first = StepArena.overwritten(BIG);
            second = StepArena.overwritten(BIG);
            Arrays.fill(first, 3f);
            Arrays.fill(second, 4f);
        }
        assertEquals(2L * BIG, StepArena.pooledFloats());
        try (var arena = StepArena.open()) {
            float[] again = StepArena.zeros(BIG), stale = StepArena.overwritten(BIG);
            assertSame(second, again); // last returned, first lent
            assertSame(first, stale);
            for (float v : again) assertEquals(0f, v);
            assertEquals(3f, stale[BIG - 1]); // overwritten() does not pay for a zeroing pass
            assertNotSame(first, StepArena.zeros(BIG)); // a third array of the size is new
        }
        try (var arena = StepArena.open()) {
            StepArena.zeros(BIG + 1); // a step that no longer asks for BIG floats drops them
        }
        assertEquals(BIG + 1, StepArena.pooledFloats());
    }

    @Test
    void smallArraysAreNotPooledAndScopesCloseInnermostFirst() {
        try (var arena = StepArena.open()) {
            float[] small = StepArena.overwritten(BIG - 1);
            var inner = StepArena.open();
            assertThrows(IllegalStateException.class, arena::close);
            inner.close();
            arena.close();
            arena.close(); // closing twice is harmless
            assertNotSame(small, StepArena.overwritten(BIG - 1));
        }
    }

    @Test
    void leafGradientsNeverComeFromTheArena() {
        Tensor w = Tensor.zeros(BIG).requireGrad();
        float[] g;
        try (var arena = StepArena.open()) {
            w.mul(2f).sum().backward();
            g = w.grad();
        }
        try (var arena = StepArena.open()) {
            for (int i = 0; i < 4; i++) Arrays.fill(StepArena.overwritten(BIG), -1f);
        }
        for (float v : g) assertEquals(2f, v); // the parameter's gradient survived the next step
    }

    /**
     * Training steps through every op that takes its output or gradients from the arena give
     * bit-identical parameters with and without it: an op that claimed to overwrite its output
     * but left an element alone would read the previous step's stale value and differ.
     */
    @Test
    void stepsInsideTheArenaMatchStepsWithoutIt() {
        List<Tensor> plain = params(), pooled = params();
        Random data = new Random(5);
        for (int step = 0; step < 4; step++) {
            Tensor x = Tensor.randn(data, 1f, 4, 8, 64, 64); // every intermediate but the last two is pooled
            int[] labels = {1, 0, 3, 2};
            sgdStep(plain, x, labels);
            try (var arena = StepArena.open()) {
                sgdStep(pooled, x, labels);
            }
        }
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i).data(), pooled.get(i).data(), "parameter " + i);
    }

    private static List<Tensor> params() {
        Random rng = new Random(9);
        List<Tensor> p = new ArrayList<>();
        p.add(Tensor.randn(rng, 0.2f, 8, 8, 3, 3).requireGrad());      // conv
        p.add(Tensor.full(1f, 8).requireGrad());                       // batch-norm gamma
        p.add(Tensor.zeros(8).requireGrad());                          // batch-norm beta
        p.add(Tensor.randn(rng, 0.05f, 4, 8 * 16 * 16).requireGrad()); // linear
        return p;
    }

    private static void sgdStep(List<Tensor> p, Tensor x, int[] labels) {
        for (Tensor t : p) t.zeroGrad();
        Tensor y = Conv.conv2d(x, p.get(0), null, 1, 1);
        y = Norm.batchNorm2dAddRelu(y, p.get(1), p.get(2), new float[8], new float[8], 0.1f, 1e-5f, x);
        y = y.mul(y.clamp(0f, 2f)).add(y.relu().mul(0.5f)).sub(y.exp().mul(0.01f));
        y = y.add(y.square().add(1f).log()).add(y.roundSte().mul(0.1f));
        y = Pool.maxPool2d(Pool.avgPool2d(y, 2, 2, 0), 2, 2, 0);
        Tensor logits = MatMul.linear(y.reshape(4, 8 * 16 * 16), p.get(3), null);
        Loss.crossEntropy(logits, labels).backward();
        for (Tensor t : p) {
            float[] d = t.data(), g = t.grad();
            for (int i = 0; i < d.length; i++) d[i] -= 0.05f * g[i];
        }
    }

    @Test
    void byteArraysArePooledLikeFloatArrays() {
        byte[] first, second;
        try (var a = StepArena.open()) {
            first = StepArena.overwrittenBytes(1 << 16);
            first[5] = 7;
            second = StepArena.overwrittenBytes(1 << 16);
            assertNotSame(first, second, "two arrays in one step are two arrays");
        }
        try (var a = StepArena.open()) {
            byte[] again = StepArena.overwrittenBytes(1 << 16);
            org.junit.jupiter.api.Assertions.assertTrue(again == first || again == second, "the next step reuses a lent array");
        }
        assertEquals(0, StepArena.overwrittenBytes(1 << 16)[5], "outside a scope, fresh and zero");
    }

    @Test
    void anInnerScopeGivesBackOnlyWhatItTookAndTheNextTaskReusesIt() {
        try (var step = StepArena.open()) {
            float[] kept = StepArena.overwritten(BIG);
            float[] inner;
            try (var task = StepArena.open()) {
                inner = StepArena.overwritten(BIG);
                assertNotSame(kept, inner);
            }
            assertEquals(BIG, StepArena.pooledFloats()); // the task's array is back, the step's still lent
            try (var task = StepArena.open()) {
                assertSame(inner, StepArena.overwritten(BIG));
                assertNotSame(kept, StepArena.overwritten(BIG)); // the step's array is not lent twice
            }
        }
        assertEquals(3L * BIG, StepArena.pooledFloats());
    }
}
