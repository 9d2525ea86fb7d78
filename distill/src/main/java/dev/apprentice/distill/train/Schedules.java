package dev.apprentice.distill.train;

import dev.apprentice.engine.optim.CosineLr;
import dev.apprentice.engine.optim.LrSchedule;
import dev.apprentice.engine.optim.OneCycleLr;
import dev.apprentice.engine.optim.StepLr;

import java.util.List;

/** The learning-rate schedules the CLI offers, by name, over a run's total iterations. */
public final class Schedules {
    public static final List<String> NAMES = List.of("onecycle", "cosine", "step", "constant");

    private Schedules() {}

    /**
     * @param warmup fraction of the run spent warming up (one-cycle's pct_start; cosine's linear warm-up)
     */
    public static LrSchedule create(String name, double peakLr, long totalSteps, double warmup, int stepsPerEpoch, int epochs) {
        return switch (name) {
            case "onecycle" -> new OneCycleLr(peakLr, totalSteps, Math.max(warmup, 1e-9),
                    OneCycleLr.DEFAULT_DIV_FACTOR, OneCycleLr.DEFAULT_FINAL_DIV_FACTOR);
            case "cosine" -> new CosineLr(peakLr, totalSteps, 0.0, Math.round(warmup * totalSteps));
            // ÷10 at 50% and 75% of the run, the classic ResNet recipe, in whole epochs
            case "step" -> new StepLr(peakLr, (long) Math.max(1, epochs / 4) * stepsPerEpoch, 0.1);
            case "constant" -> LrSchedule.constant(peakLr);
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "'; choose one of " + NAMES);
        };
    }
}
