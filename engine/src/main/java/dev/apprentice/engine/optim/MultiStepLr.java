package dev.apprentice.engine.optim;

import java.util.Arrays;

/**
 * base·gamma^k, k = the number of milestones ≤ step: the rate drops by gamma at each milestone
 * iteration (PyTorch's MultiStepLR closed form), e.g. at 50% and 75% of training.
 */
public final class MultiStepLr implements LrSchedule {
    private final double base, gamma;
    private final long[] milestones;

    public MultiStepLr(double base, double gamma, long... milestones) {
        this.base = Check.nonNegative("base lr", base);
        this.gamma = Check.positive("gamma", gamma);
        if (milestones.length == 0) throw new IllegalArgumentException("MultiStepLr needs at least one milestone");
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] <= 0)
                throw new IllegalArgumentException("milestones must be > 0, got " + Arrays.toString(milestones));
            if (i > 0 && milestones[i] <= milestones[i - 1])
                throw new IllegalArgumentException("milestones must be strictly increasing, got " + Arrays.toString(milestones));
        }
        this.milestones = milestones.clone();
    }

    @Override
    public double lr(long step) {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= step) passed++;
        return base * Math.pow(gamma, passed);
    }
}
