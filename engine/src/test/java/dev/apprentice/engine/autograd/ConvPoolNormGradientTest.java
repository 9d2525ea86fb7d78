package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Finite-difference gradient checks for conv2d, pooling and batchnorm, on odd shapes. */
class ConvPoolNormGradientTest {
    private final Random rng = new Random(5);

    @Test
    void conv2dThreeByThreePaddedWithBias() {
        GradCheck.of(in -> Conv.conv2d(in[0], in[1], in[2], 1, 1))
                .check(GradCheck.param(rng, 2, 3, 5, 6), GradCheck.param(rng, 4, 3, 3, 3), GradCheck.param(rng, 4));
    }

    @Test
    void conv2dStridedOneByOneAndGeneralKernels() {
        GradCheck.of(in -> Conv.conv2d(in[0], in[1], null, 2, 0))
                .check(GradCheck.param(rng, 3, 5, 7, 7), GradCheck.param(rng, 2, 5, 1, 1));
        GradCheck.of(in -> Conv.conv2d(in[0], in[1], null, 2, 1, 1, 2))
                .check(GradCheck.param(rng, 1, 2, 9, 8), GradCheck.param(rng, 3, 2, 2, 5));
        GradCheck.of(in -> Conv.conv2d(in[0], in[1], null, 3, 2))
                .check(GradCheck.param(rng, 2, 1, 11, 10), GradCheck.param(rng, 2, 1, 5, 5));
    }

    @Test
    void conv2dRejectsMismatchedChannels() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 2, 3, 3), null, 1, 1));
        assertEquals("conv2d: input has 3 channels, weights expect 2 [4, 2, 3, 3]", e.getMessage());
    }

    @Test
    void maxPoolAwayFromTies() {
        // Distinct, well-separated values so a ±h step never changes which element wins.
        Tensor x = Tensor.zeros(2, 3, 7, 6);
        float[] d = x.data();
        int[] perm = shuffled(d.length);
        for (int i = 0; i < d.length; i++) d[i] = perm[i] * 0.1f - 10f;
        x.requireGrad();
        GradCheck.of(in -> Pool.maxPool2d(in[0], 3, 2, 1)).step(1e-2).check(x);
        GradCheck.of(in -> Pool.maxPool2d(in[0], 2, 2, 0)).step(1e-2).check(x);
    }

    @Test
    void avgAndGlobalAvgPool() {
        GradCheck.of(in -> Pool.avgPool2d(in[0], 3, 2, 1)).check(GradCheck.param(rng, 2, 2, 7, 5));
        GradCheck.of(in -> Pool.globalAvgPool(in[0])).check(GradCheck.param(rng, 3, 4, 5, 3));
        Tensor g = Pool.globalAvgPool(Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2));
        assertArrayEquals(new int[] {1, 2}, g.shape());
        assertArrayEquals(new float[] {2.5f, 25f}, g.data());
    }

    @Test
    void batchNormTrainingMode() {
        float[] rm = new float[3], rv = {1, 1, 1};
        GradCheck.of(in -> Norm.batchNorm2d(in[0], in[1], in[2], rm.clone(), rv.clone(), true, 0.1f, 1e-5f))
                .check(GradCheck.param(rng, 4, 3, 3, 5), GradCheck.param(rng, 3), GradCheck.param(rng, 3));
    }

    @Test
    void batchNormReluTrainingMode() {
        // |γ·x̂| ≤ 0.5·√59 < 4 for 60 values a channel, so with β = ±6 no output is near the relu's kink,
        // where finite differences break: channels 0 and 2 pass everything, channel 1 nothing (mixed
        // masks are checked against the two separate ops below)
        float[] rm = new float[3], rv = {1, 1, 1};
        GradCheck.of(in -> Norm.batchNorm2dRelu(in[0], in[1], in[2], rm.clone(), rv.clone(), 0.1f, 1e-5f))
                .check(GradCheck.param(rng, 4, 3, 3, 5), Tensor.of(new float[] {0.5f, 0.4f, -0.5f}, 3).requireGrad(),
                        Tensor.of(new float[] {6f, -6f, 6f}, 3).requireGrad());
    }

    /** The fused op gives the values, gradients and running statistics of batch norm then relu, bit for bit. */
    @Test
    void batchNormReluEqualsTheTwoOps() {
        Tensor x1 = GradCheck.param(rng, 6, 4, 5, 7), g1 = GradCheck.param(rng, 4), b1 = GradCheck.param(rng, 4);
        Tensor x2 = Tensor.of(x1.data().clone(), x1.shape()).requireGrad(), g2 = Tensor.of(g1.data().clone(), 4).requireGrad();
        Tensor b2 = Tensor.of(b1.data().clone(), 4).requireGrad();
        float[] rm1 = {0.1f, 0, 0, 0}, rv1 = {1, 2, 1, 1}, rm2 = rm1.clone(), rv2 = rv1.clone();
        Tensor y1 = Norm.batchNorm2d(x1, g1, b1, rm1, rv1, true, 0.1f, 1e-5f).relu();
        Tensor y2 = Norm.batchNorm2dRelu(x2, g2, b2, rm2, rv2, 0.1f, 1e-5f);
        assertArrayEquals(y1.data(), y2.data());
        assertArrayEquals(rm1, rm2);
        assertArrayEquals(rv1, rv2);
        Tensor w = GradCheck.param(rng, 6, 4, 5, 7);   // a loss that weighs every output differently
        y1.mul(w).sum().backward();
        y2.mul(w).sum().backward();
        assertArrayEquals(x1.grad(), x2.grad());
        assertArrayEquals(g1.grad(), g2.grad());
        assertArrayEquals(b1.grad(), b2.grad());
    }

    /** With a residual: values, running statistics and the gradients of x, γ, β and the residual equal batch norm, add, relu. */
    @Test
    void batchNormAddReluEqualsTheThreeOps() {
        Tensor x1 = GradCheck.param(rng, 5, 3, 4, 6), g1 = GradCheck.param(rng, 3), b1 = GradCheck.param(rng, 3), r1 = GradCheck.param(rng, 5, 3, 4, 6);
        Tensor x2 = Tensor.of(x1.data().clone(), x1.shape()).requireGrad(), g2 = Tensor.of(g1.data().clone(), 3).requireGrad();
        Tensor b2 = Tensor.of(b1.data().clone(), 3).requireGrad(), r2 = Tensor.of(r1.data().clone(), r1.shape()).requireGrad();
        float[] rm1 = {0.1f, 0, 0}, rv1 = {1, 2, 1}, rm2 = rm1.clone(), rv2 = rv1.clone();
        Tensor y1 = Norm.batchNorm2d(x1, g1, b1, rm1, rv1, true, 0.1f, 1e-5f).add(r1).relu();
        Tensor y2 = Norm.batchNorm2dAddRelu(x2, g2, b2, rm2, rv2, 0.1f, 1e-5f, r2);
        assertArrayEquals(y1.data(), y2.data());
        assertArrayEquals(rm1, rm2);
        assertArrayEquals(rv1, rv2);
        Tensor w = GradCheck.param(rng, 5, 3, 4, 6);
        y1.mul(w).sum().backward();
        y2.mul(w).sum().backward();
        assertArrayEquals(x1.grad(), x2.grad());
        assertArrayEquals(g1.grad(), g2.grad());
        assertArrayEquals(b1.grad(), b2.grad());
        assertArrayEquals(r1.grad(), r2.grad());
    }

    @Test
    void batchNormEvalMode() {
        float[] rm = {0.2f, -0.1f}, rv = {1.5f, 0.7f};
        GradCheck.of(in -> Norm.batchNorm2d(in[0], in[1], in[2], rm, rv, false, 0.1f, 1e-5f))
                .check(GradCheck.param(rng, 3, 2, 4, 3), GradCheck.param(rng, 2), GradCheck.param(rng, 2));
    }

    @Test
    void batchNormTrainingUpdatesRunningStatisticsLikePyTorch() {
        // Channel values 1..4 (one image, 2×2): mean 2.5, biased var 1.25, unbiased 5/3.
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        float[] rm = {0f}, rv = {1f};
        Tensor y = Norm.batchNorm2d(x, Tensor.full(1f, 1), Tensor.zeros(1), rm, rv, true, 0.1f, 0f);
        assertEquals(0.25f, rm[0], 1e-6);
        assertEquals(0.9f + 0.1f * 5f / 3f, rv[0], 1e-6);
        assertEquals((1 - 2.5) / Math.sqrt(1.25), y.data()[0], 1e-5);
    }

    private int[] shuffled(int n) {
        Integer[] p = new Integer[n];
        for (int i = 0; i < n; i++) p[i] = i;
        java.util.Collections.shuffle(Arrays.asList(p), rng);
        return Arrays.stream(p).mapToInt(Integer::intValue).toArray();
    }
}
