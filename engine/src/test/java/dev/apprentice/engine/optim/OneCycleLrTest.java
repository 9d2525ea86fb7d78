package dev.apprentice.engine.optim;

import org.junit.jupiter.api.Test;

import static dev.apprentice.engine.optim.LrAssert.close;
import static dev.apprentice.engine.optim.LrAssert.fails;

/**
 * Expected values printed by PyTorch 1.13: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr,
 * total_steps=T, pct_start=..., [div_factor, final_div_factor]) with the default cosine
 * annealing, reading opt.param_groups[0]['lr'] before each scheduler.step().
 */
class OneCycleLrTest {

    /** max 0.1, T 100, pct 0.15: phase 1 ends at step 14, phase 2 at 99. */
    @Test
    void defaultsOverHundredSteps() {
        OneCycleLr s = new OneCycleLr(0.1, 100);
        close(0.0040000000000000036, s, 0);  // maxLr/25 (PyTorch's rounding kept)
        close(0.0052034602152724735, s, 1);
        close(0.052000000000000005, s, 7);   // half way up
        close(0.09879653978472754, s, 13);
        close(0.1, s, 14);                   // the peak, at pctStart·total − 1
        close(0.09996585314373913, s, 15);
        close(0.09986345921545474, s, 16);
        close(0.06189691216509193, s, 50);
        close(3.454685626088331e-05, s, 98);
        close(4e-07, s, 99);                 // maxLr/25/1e4 at the last step
    }

    /** T 10: phase 1 "ends" at 0.5, so step 1 is already in phase 2, which starts at 0.5. */
    @Test
    void shortScheduleWithFractionalPhaseEnd() {
        OneCycleLr s = new OneCycleLr(0.1, 10);
        close(0.0040000000000000036, s, 0);
        close(0.09914865838957516, s, 1);
        close(0.0453868004805068, s, 5);
        close(0.003376775024228096, s, 8);
        close(4e-07, s, 9);
    }

    @Test
    void customFactors() {
        OneCycleLr s = new OneCycleLr(2.0, 1000, 0.3, 10, 100);
        close(0.19999999999999996, s, 0);
        close(0.2000496782040646, s, 1);
        close(1.1047281277297754, s, 150);
        close(1.9999503217959353, s, 298);
        close(2.0, s, 299);
        close(1.9999899390630134, s, 300);
        close(1.9999597564547003, s, 301);
        close(1.2189250981551463, s, 600);
        close(0.0020100609369867774, s, 998);
        close(0.002, s, 999);
    }

    /** Where PyTorch would divide by zero (a one-step phase 1), we take the phase's end value. */
    @Test
    void zeroLengthPhaseTakesItsEndValue() {
        OneCycleLr s = new OneCycleLr(0.1, 2, 0.5, 25, 1e4);
        close(0.1, s, 0);
        close(0.1 / 25 / 1e4, s, 1);
    }

    @Test
    void arguments() {
        fails("maxLr must be finite and >= 0", () -> new OneCycleLr(-0.1, 100));
        fails("totalSteps must be > 0, got 0", () -> new OneCycleLr(0.1, 0));
        fails("pctStart must be in [0, 1], got 1.5", () -> new OneCycleLr(0.1, 100, 1.5, 25, 1e4));
        fails("pctStart must be in [0, 1], got NaN", () -> new OneCycleLr(0.1, 100, Double.NaN, 25, 1e4));
        fails("divFactor must be finite and > 0", () -> new OneCycleLr(0.1, 100, 0.15, 0, 1e4));
        fails("finalDivFactor must be finite and > 0", () -> new OneCycleLr(0.1, 100, 0.15, 25, -1));
        fails("step 100 is outside the schedule's steps [0, 100)", () -> new OneCycleLr(0.1, 100).lr(100));
    }
}
