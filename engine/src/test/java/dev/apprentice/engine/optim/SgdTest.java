package dev.apprentice.engine.optim;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * SGD updates over three steps on p = [1, -2, 0.5] with lr 0.1 and fixed gradients. Expected
 * values are worked by hand (one element shown in each comment) and were cross-checked with
 * PyTorch 1.13 torch.optim.SGD (float32, printed with numpy's shortest float32 repr).
 */
class SgdTest {
    /** About 4 float32 ulps at magnitude 2: tight enough to catch a wrong formula or order. */
    static final float TOL = 1e-6f;
    static final float[][] GRADS = {{0.5f, -1f, 2f}, {-0.25f, 0.5f, 1f}, {1f, 0f, -0.5f}};

    static Tensor param(float... v) {
        return Tensor.of(v.clone(), v.length).requireGrad();
    }

    static void setGrad(Tensor p, float... g) {
        p.zeroGrad();
        if (g != null) p.accumulateGrad(g.clone());
    }

    /** Runs three steps of the given configuration, checking p after each. */
    static void check(Sgd.Builder b, float[][] expected) {
        Tensor p = param(1f, -2f, 0.5f);
        Sgd sgd = b.lr(0.1).group(List.of(p)).build();
        for (int s = 0; s < 3; s++) {
            setGrad(p, GRADS[s]);
            sgd.step();
            assertArrayEquals(expected[s], p.data(), TOL, "after step " + (s + 1));
        }
        assertEquals(3, sgd.steps());
    }

    @Test
    void plain() {
        // p0 = 1 - 0.1*0.5 = 0.95; then 0.95 + 0.025 = 0.975; then 0.975 - 0.1 = 0.875
        check(Sgd.builder(), new float[][] {
                {0.95f, -1.9f, 0.3f}, {0.975f, -1.95f, 0.2f}, {0.875f, -1.95f, 0.25f}});
    }

    @Test
    void momentumStartsFromTheFirstGradient() {
        // buf = 0.5 (no dampening on step 1); buf = 0.9*0.5 - 0.25 = 0.2 -> 0.93;
        // buf = 0.18 + 1 = 1.18 -> 0.812
        check(Sgd.builder().momentum(0.9), new float[][] {
                {0.95f, -1.9f, 0.3f}, {0.93f, -1.86f, 0.020000013f}, {0.81200004f, -1.824f, -0.18199998f}});
    }

    @Test
    void dampeningScalesOnlyLaterGradients() {
        // buf = 0.5; buf = 0.45 + 0.5*(-0.25) = 0.325 -> 0.9175; buf = 0.2925 + 0.5 = 0.7925 -> 0.83825
        check(Sgd.builder().momentum(0.9).dampening(0.5), new float[][] {
                {0.95f, -1.9f, 0.3f}, {0.91749996f, -1.8349999f, 0.070000015f}, {0.83825f, -1.7764999f, -0.11199998f}});
    }

    @Test
    void nesterovLooksAhead() {
        // d = 0.5 + 0.9*0.5 = 0.95 -> 0.905; buf = 0.2, d = -0.25 + 0.18 = -0.07 -> 0.912;
        // buf = 1.18, d = 1 + 1.062 = 2.062 -> 0.7058
        check(Sgd.builder().momentum(0.9).nesterov(true), new float[][] {
                {0.905f, -1.81f, 0.12f}, {0.912f, -1.824f, -0.23200001f}, {0.7058f, -1.7916f, -0.36380002f}});
    }

    @Test
    void weightDecayAddsL2ToTheGradient() {
        // d = 0.5 + 0.01*1 = 0.51 -> 0.949; d = -0.25 + 0.00949 = -0.24051 -> 0.973051
        check(Sgd.builder().weightDecay(0.01), new float[][] {
                {0.949f, -1.898f, 0.2995f}, {0.973051f, -1.946102f, 0.19920048f}, {0.87207794f, -1.9441559f, 0.24900128f}});
    }

    @Test
    void nesterovWithWeightDecay() {
        // d = 0.51, buf = 0.51, d = 0.51 + 0.459 = 0.969 -> 0.9031
        check(Sgd.builder().momentum(0.9).nesterov(true).weightDecay(0.01), new float[][] {
                {0.9031f, -1.8062f, 0.119049974f}, {0.9075741f, -1.8151482f, -0.23358124f}, {0.6981892f, -1.7763784f, -0.3653984f}});
    }

    @Test
    void groupWithoutWeightDecay() {
        Tensor a = param(1f, -2f), b = param(0.5f, 4f);
        Sgd sgd = Sgd.builder().lr(0.1).momentum(0.9).weightDecay(0.1).group(List.of(a)).group(List.of(b), 0.0).build();
        setGrad(a, 0.5f, -1f);
        setGrad(b, 2f, 1f);
        sgd.step();
        // a: d = 0.5 + 0.1*1 = 0.6 -> 0.94; b: no decay, d = 2 -> 0.3
        assertArrayEquals(new float[] {0.94f, -1.88f}, a.data(), TOL);
        assertArrayEquals(new float[] {0.3f, 3.9f}, b.data(), TOL);
        setGrad(a, -0.25f, 0.5f);
        setGrad(b, 1f, -1f);
        sgd.step();
        // a: d = -0.25 + 0.094 = -0.156, buf = 0.54 - 0.156 = 0.384 -> 0.9016; b: buf = 1.8 + 1 = 2.8 -> 0.02
        assertArrayEquals(new float[] {0.9016f, -1.8032f}, a.data(), TOL);
        assertArrayEquals(new float[] {0.020000013f, 3.91f}, b.data(), TOL);
    }

    @Test
    void parameterWithoutGradientIsSkippedAndItsMomentumStartsLater() {
        Tensor a = param(1f, -2f), b = param(0.5f, 4f);
        Sgd sgd = Sgd.builder().lr(0.1).momentum(0.9).group(List.of(a, b)).build();
        setGrad(a, 0.5f, -1f);
        setGrad(b, (float[]) null);
        sgd.step();
        assertArrayEquals(new float[] {0.5f, 4f}, b.data(), 0f);
        assertNull(sgd.state().buffer("group0.param1.momentum"), "no buffer before b's first gradient");
        setGrad(a, -0.25f, 0.5f);
        setGrad(b, 2f, 1f);
        sgd.step();
        // b's first step with a gradient: buf = g exactly as on a first step
        assertArrayEquals(new float[] {0.93f, -1.86f}, a.data(), TOL);
        assertArrayEquals(new float[] {0.3f, 3.9f}, b.data(), TOL);
        setGrad(a, 1f, 0f);
        setGrad(b, 1f, -1f);
        sgd.step();
        assertArrayEquals(new float[] {0.81200004f, -1.824f}, a.data(), TOL);
        assertArrayEquals(new float[] {0.020000013f, 3.91f}, b.data(), TOL);
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Tensor a = param(1f), b = param(2f);
        Sgd sgd = Sgd.builder().lr(0.1).group(List.of(a)).group(List.of(b), 0).build();
        setGrad(a, 1f);
        setGrad(b, 1f);
        sgd.zeroGrad();
        assertNull(a.grad());
        assertNull(b.grad());
    }

    @Test
    void setLrTakesEffectOnTheNextStep() {
        Tensor p = param(1f);
        Sgd sgd = Sgd.builder().lr(0.1).group(List.of(p)).build();
        sgd.setLr(0.5);
        assertEquals(0.5, sgd.lr());
        setGrad(p, 1f);
        sgd.step();
        assertEquals(0.5f, p.data()[0], 0f);
    }
}
