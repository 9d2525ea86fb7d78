package dev.apprentice.engine.optim;

/**
 * A learning rate per training iteration; step counts iterations from 0. Apply it before each
 * optimizer step: {@code schedule.applyTo(optimizer, step)}.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate for iteration step (>= 0). */
    double lr(long step);

    /** Sets the optimizer's learning rate for iteration step. */
    default void applyTo(Optimizer optimizer, long step) {
        optimizer.setLr(lr(step));
    }

    /** The same rate at every step. */
    static LrSchedule constant(double lr) {
        Check.nonNegative("lr", lr);
        return step -> {
            if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
            return lr;
        };
    }
}
