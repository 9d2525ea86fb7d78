package dev.apprentice.engine.optim;

/**
 * Updates parameters from their accumulated gradients. One {@link #step()} per training
 * iteration, after backward; {@link #zeroGrad()} before the next backward.
 */
public interface Optimizer {

    /** Applies one update to every parameter that has a gradient; others are left alone. */
    void step();

    /** Forgets the gradients of all parameters. */
    void zeroGrad();

    /** The learning rate the next {@link #step()} uses. */
    double lr();

    /** Sets the learning rate (finite, >= 0), e.g. from an {@link LrSchedule} each iteration. */
    void setLr(double lr);

    /** How many times {@link #step()} has run (restored by {@link #loadState}). */
    long steps();

    /** A copy of all internal state, enough for a resumed run to continue bit-identically. */
    OptimizerState state();

    /**
     * Restores state exported by {@link #state()} from an optimizer over the same parameters.
     * Throws IllegalArgumentException, naming the offending key, on unknown names or wrong
     * sizes; leaves this optimizer unchanged when it throws.
     */
    void loadState(OptimizerState state);
}
