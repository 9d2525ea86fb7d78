package dev.apprentice.engine.optim;

/**
 * Cosine decay from base to minLr over totalSteps iterations, after an optional linear warm-up.
 * <ul>
 *   <li>Warm-up, steps 0 … warmup−1: base·(step+1)/(warmup+1), rising in equal steps so that
 *       no iteration runs at rate 0 and the peak is not repeated.</li>
 *   <li>Decay, steps warmup … total−1: minLr + (base−minLr)·(1+cos(π·t))/2 with
 *       t = (step−warmup)/(total−1−warmup): base at the first decay step, exactly minLr at the
 *       last iteration (a one-step decay phase runs at base).</li>
 * </ul>
 */
public final class CosineLr implements LrSchedule {
    private final double base, minLr;
    private final long totalSteps, warmupSteps;

    public CosineLr(double base, long totalSteps, double minLr) {
        this(base, totalSteps, minLr, 0);
    }

    public CosineLr(double base, long totalSteps, double minLr, long warmupSteps) {
        this.base = Check.nonNegative("base lr", base);
        this.totalSteps = Check.positive("totalSteps", totalSteps);
        this.minLr = Check.nonNegative("minLr", minLr);
        if (minLr > base) throw new IllegalArgumentException("minLr " + minLr + " is above the base lr " + base);
        if (warmupSteps < 0 || warmupSteps >= totalSteps)
            throw new IllegalArgumentException("warmupSteps must be in [0, totalSteps) = [0, " + totalSteps + "), got " + warmupSteps);
        this.warmupSteps = warmupSteps;
    }

    @Override
    public double lr(long step) {
        Check.step(step, totalSteps);
        if (step < warmupSteps) return base * (step + 1) / (warmupSteps + 1);
        long span = totalSteps - 1 - warmupSteps;
        double t = span == 0 ? 0 : (double) (step - warmupSteps) / span;
        return minLr + (base - minLr) * (1 + Math.cos(Math.PI * t)) / 2;
    }
}
