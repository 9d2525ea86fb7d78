package dev.apprentice.engine.optim;

/**
 * base·gamma^⌊step/stepSize⌋: the rate drops by gamma every stepSize iterations (PyTorch's
 * StepLR closed form, counted in iterations).
 */
public final class StepLr implements LrSchedule {
    private final double base, gamma;
    private final long stepSize;

    public StepLr(double base, long stepSize, double gamma) {
        this.base = Check.nonNegative("base lr", base);
        this.stepSize = Check.positive("stepSize", stepSize);
        this.gamma = Check.positive("gamma", gamma);
    }

    @Override
    public double lr(long step) {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
        return base * Math.pow(gamma, (double) (step / stepSize));
    }
}
