package dev.apprentice.distill.train;

/** The loss stopped being a finite number: training cannot go on from here. */
public final class DivergenceException extends RuntimeException {
    public DivergenceException(String message) {
        super(message);
    }
}
