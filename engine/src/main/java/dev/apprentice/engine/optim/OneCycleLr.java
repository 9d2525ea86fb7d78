package dev.apprentice.engine.optim;

/**
 * The one-cycle policy, value for value as PyTorch's {@code OneCycleLR} (cosine annealing,
 * {@code three_phase=False}) gives it per iteration. Phase 1 anneals from maxLr/divFactor up to
 * maxLr, ending at step pctStart·total−1; phase 2 anneals down to maxLr/divFactor/finalDivFactor,
 * ending at step total−1. Phase ends are real numbers, not rounded, as in PyTorch, and the
 * double arithmetic is done in PyTorch's order. Only the learning rate is scheduled: PyTorch's
 * default momentum cycling (0.95 → 0.85 → 0.95) is not applied.
 */
public final class OneCycleLr implements LrSchedule {
    public static final double DEFAULT_PCT_START = 0.15, DEFAULT_DIV_FACTOR = 25, DEFAULT_FINAL_DIV_FACTOR = 1e4;

    private final double maxLr, initialLr, minLr, phase1End, phase2End;
    private final long totalSteps;

    public OneCycleLr(double maxLr, long totalSteps) {
        this(maxLr, totalSteps, DEFAULT_PCT_START, DEFAULT_DIV_FACTOR, DEFAULT_FINAL_DIV_FACTOR);
    }

    public OneCycleLr(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        this.maxLr = Check.nonNegative("maxLr", maxLr);
        this.totalSteps = Check.positive("totalSteps", totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new IllegalArgumentException("pctStart must be in [0, 1], got " + pctStart);
        Check.positive("divFactor", divFactor);
        Check.positive("finalDivFactor", finalDivFactor);
        this.initialLr = maxLr / divFactor;
        this.minLr = initialLr / finalDivFactor;
        this.phase1End = pctStart * totalSteps - 1;
        this.phase2End = totalSteps - 1;
    }

    @Override
    public double lr(long step) {
        Check.step(step, totalSteps);
        if (step <= phase1End) return anneal(initialLr, maxLr, pct(step, 0, phase1End));
        return anneal(maxLr, minLr, pct(step, phase1End, phase2End));
    }

    /** PyTorch divides by zero (and fails) for a phase of zero length; we take its end value. */
    private static double pct(long step, double start, double end) {
        return end == start ? 1 : (step - start) / (end - start);
    }

    /** PyTorch's _annealing_cos, same operation order. */
    private static double anneal(double start, double end, double pct) {
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }
}
