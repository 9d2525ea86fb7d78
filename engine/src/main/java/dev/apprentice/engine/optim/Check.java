package dev.apprentice.engine.optim;

/** Argument checks shared by the optimizers and schedules, with uniform messages. */
final class Check {
    private Check() {}

    static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v))
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        return v;
    }

    static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v))
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        return v;
    }

    static long positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
        return v;
    }

    /** A step index for a schedule of totalSteps steps. */
    static void step(long step, long totalSteps) {
        if (step < 0 || step >= totalSteps)
            throw new IllegalArgumentException("step " + step + " is outside the schedule's steps [0, " + totalSteps + ")");
    }
}
