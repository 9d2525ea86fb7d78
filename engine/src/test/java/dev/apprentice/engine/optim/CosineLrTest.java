package dev.apprentice.engine.optim;

import org.junit.jupiter.api.Test;

import static dev.apprentice.engine.optim.LrAssert.close;
import static dev.apprentice.engine.optim.LrAssert.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CosineLrTest {

    /**
     * Without warm-up it equals PyTorch's CosineAnnealingLR with T_max = total−1 (closed form,
     * values printed by PyTorch 1.13 for base 0.1, eta_min 0.001, T_max 10).
     */
    @Test
    void withoutWarmupMatchesPyTorchCosineAnnealing() {
        CosineLr s = new CosineLr(0.1, 11, 0.001);
        close(0.1, s, 0);
        close(0.09757729755661011, s, 1);
        close(0.0505, s, 5);  // half way: (0.1 + 0.001) / 2
        close(0.0034227024433899004, s, 9);
        close(0.001, s, 10);  // the last iteration runs at minLr
    }

    /** Hand-worked: warm-up 4 of 13 steps, base 0.1, minLr 0; the decay spans steps 4..12. */
    @Test
    void warmupRisesLinearlyThenCosineDecays() {
        CosineLr s = new CosineLr(0.1, 13, 0.0, 4);
        close(0.02, s, 0);   // 0.1 * 1/5
        close(0.04, s, 1);
        close(0.08, s, 3);   // last warm-up step, 0.1 * 4/5
        close(0.1, s, 4);    // peak on the first decay step
        close(0.1 * (1 + Math.sqrt(0.5)) / 2, s, 6); // t = 2/8: cos(π/4)
        close(0.05, s, 8);   // t = 1/2
        close(0.1 * (1 - Math.sqrt(0.5)) / 2, s, 10);
        assertEquals(0.0, s.lr(12), 0.0, "exactly minLr at the last step");
    }

    @Test
    void degenerateLengths() {
        close(0.1, new CosineLr(0.1, 1, 0.0), 0);    // one step: base
        close(0.05, new CosineLr(0.1, 2, 0.0, 1), 0); // warm-up step, then...
        close(0.1, new CosineLr(0.1, 2, 0.0, 1), 1);  // ...a one-step decay phase runs at base
    }

    @Test
    void arguments() {
        fails("totalSteps must be > 0, got 0", () -> new CosineLr(0.1, 0, 0));
        fails("minLr 0.2 is above the base lr 0.1", () -> new CosineLr(0.1, 10, 0.2));
        fails("minLr must be finite and >= 0", () -> new CosineLr(0.1, 10, -0.1));
        fails("warmupSteps must be in [0, totalSteps) = [0, 10), got 10", () -> new CosineLr(0.1, 10, 0, 10));
        fails("warmupSteps must be in", () -> new CosineLr(0.1, 10, 0, -1));
        fails("step 10 is outside the schedule's steps [0, 10)", () -> new CosineLr(0.1, 10, 0).lr(10));
        fails("step -1 is outside", () -> new CosineLr(0.1, 10, 0).lr(-1));
    }
}
