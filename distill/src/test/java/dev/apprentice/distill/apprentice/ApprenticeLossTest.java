package dev.apprentice.distill.apprentice;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss and its gradients on a hand-worked case: z_S = [0, ln 3] (p_S = [1/4, 3/4]),
 * z_T = [ln 3, 0] (p_T = [3/4, 1/4]), label 0, paper weights α = 1, β = γ = 0.5.
 */
class ApprenticeLossTest {
    private static final float LN3 = (float) Math.log(3);

    private static Tensor student() {
        return Tensor.of(new float[] {0f, LN3}, 1, 2).requireGrad();
    }

    @Test
    void tauOneMatchesHandWorkedTermsAndGradient() {
        Tensor zS = student(), zT = Tensor.of(new float[] {LN3, 0f}, 1, 2);
        var t = ApprenticeLoss.of(zS, zT, new int[] {0}, LossWeights.PAPER);
        assertEquals(-Math.log(0.75), t.teacherHard(), 1e-6);           // H(y, p_T)
        assertEquals(Math.log(4), t.studentHard(), 1e-6);               // H(y, p_S)
        assertEquals(0.75 * Math.log(4) + 0.25 * -Math.log(0.75), t.soft(), 1e-6); // H(p_T, p_S) = 1.111641
        assertEquals(1.5366498974881577, t.total().item(), 1e-6);
        t.total().backward();
        // β(p_S − y) + γ(p_S − p_T) = 0.5·[−3/4, 3/4] + 0.5·[−1/2, 1/2]
        assertArrayEquals(new float[] {-0.625f, 0.625f}, zS.grad(), 1e-6f);
    }

    @Test
    void tauFourSoftensBothSidesAndScalesTheSoftTermByTauSquared() {
        Tensor zS = student(), zT = Tensor.of(new float[] {LN3, 0f}, 1, 2);
        var t = ApprenticeLoss.of(zS, zT, new int[] {0}, new LossWeights(1, 0.5, 0.5, 4, true));
        assertEquals(0.7212878967032812, t.soft(), 1e-6);               // H(softmax(z_T/4), softmax(z_S/4))
        assertEquals(0.2876820724517809 + 0.5 * Math.log(4) + 0.5 * 16 * 0.7212878967032812, t.total().item(), 1e-5);
        t.total().backward();
        // β(p_S − y) + γτ²·(1/τ)(p_S/τ − p_T/τ)
        assertArrayEquals(new float[] {-0.6479394753f, 0.6479394753f}, zS.grad(), 1e-6f);

        Tensor zS2 = student();
        var plain = ApprenticeLoss.of(zS2, zT, new int[] {0}, new LossWeights(1, 0.5, 0.5, 4, false));
        assertEquals(0.2876820724517809 + 0.5 * Math.log(4) + 0.5 * 0.7212878967032812, plain.total().item(), 1e-5);
    }

    /** Scheme A: the teacher learns from α·H(y, p_T) only; the soft term never reaches it. */
    @Test
    void softTermGradientNeverReachesTheTeacher() {
        Tensor zS = student(), zT = Tensor.of(new float[] {LN3, 0f}, 1, 2).requireGrad();
        ApprenticeLoss.of(zS, zT, new int[] {0}, new LossWeights(2, 0.5, 0.5, 4, true)).total().backward();
        // α(p_T − y) = 2·[3/4 − 1, 1/4]
        assertArrayEquals(new float[] {-0.5f, 0.5f}, zT.grad(), 1e-6f);
    }

    @Test
    void withoutTeacherItIsPlainCrossEntropy() {
        Tensor zS = student();
        var t = ApprenticeLoss.of(zS, null, new int[] {1}, LossWeights.PAPER);
        assertEquals(-Math.log(0.75), t.total().item(), 1e-6);
        assertTrue(Float.isNaN(t.soft()));
        t.total().backward();
        assertArrayEquals(new float[] {0.25f, -0.25f}, zS.grad(), 1e-6f);
    }

    @Test
    void badWeightsAndSchemeCombinationsAreRefusedWithReasons() {
        assertThrows(IllegalArgumentException.class, () -> new LossWeights(1, -0.5, 0.5, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new LossWeights(1, 0.5, 0.5, 0, true));
        var e = assertThrows(IllegalArgumentException.class, () -> new Distillation(Scheme.B, null, 1, null, null, null));
        assertTrue(e.getMessage().contains("--teacher-model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Distillation(Scheme.C, null, 1, java.nio.file.Path.of("t"), null, null));
        assertTrue(e.getMessage().contains("--student-init"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Distillation(Scheme.NONE, "resnet20", 1, null, null, null));
        assertTrue(e.getMessage().contains("no teacher"), e.getMessage());
        assertEquals(Scheme.FINETUNE, Scheme.parse("finetune"));
        assertThrows(IllegalArgumentException.class, () -> Scheme.parse("D"));
        assertNull(Distillation.NONE.teacherArch());
    }
}
