package dev.apprentice.engine.optim;

import org.junit.jupiter.api.Test;

import static dev.apprentice.engine.optim.LrAssert.close;
import static dev.apprentice.engine.optim.LrAssert.fails;

/** StepLr and MultiStepLr; values as PyTorch 1.13 StepLR/MultiStepLR print them per step. */
class StepLrTest {

    @Test
    void halvesEveryThreeSteps() {
        StepLr s = new StepLr(0.1, 3, 0.5);
        close(0.1, s, 0);
        close(0.1, s, 2);     // last step before the first drop
        close(0.05, s, 3);    // the drop happens at step = stepSize
        close(0.05, s, 5);
        close(0.025, s, 6);
        close(0.0125, s, 9);
        close(0.1 * Math.pow(0.5, 333), s, 1000);
    }

    @Test
    void multiStepDropsAtEachMilestone() {
        MultiStepLr s = new MultiStepLr(0.1, 0.1, 4, 7);
        close(0.1, s, 0);
        close(0.1, s, 3);
        close(0.010000000000000002, s, 4); // PyTorch: 0.1 * 0.1**1
        close(0.010000000000000002, s, 6);
        close(0.0010000000000000002, s, 7); // 0.1 * 0.1**2
        close(0.0010000000000000002, s, 1_000_000);
    }

    @Test
    void arguments() {
        fails("base lr must be finite and >= 0", () -> new StepLr(-1, 3, 0.5));
        fails("stepSize must be > 0, got 0", () -> new StepLr(0.1, 0, 0.5));
        fails("gamma must be finite and > 0", () -> new StepLr(0.1, 3, 0));
        fails("step must be >= 0, got -1", () -> new StepLr(0.1, 3, 0.5).lr(-1));
        fails("at least one milestone", () -> new MultiStepLr(0.1, 0.1));
        fails("strictly increasing, got [5, 5]", () -> new MultiStepLr(0.1, 0.1, 5, 5));
        fails("milestones must be > 0", () -> new MultiStepLr(0.1, 0.1, 0, 5));
        fails("gamma must be finite and > 0", () -> new MultiStepLr(0.1, Double.NaN, 5));
        fails("step must be >= 0", () -> new MultiStepLr(0.1, 0.1, 5).lr(-3));
    }
}
