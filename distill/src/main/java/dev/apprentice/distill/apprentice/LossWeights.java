package dev.apprentice.distill.apprentice;

/**
 * Weights of the Apprentice loss L = α·H(y, p_T) + β·H(y, p_S) + γ·H(softmax(z_T/τ), softmax(z_S/τ)).
 * The paper uses α = 1, β = 0.5, γ = 0.5, τ = 1.
 *
 * <p>τ > 1 softens both distributions so the student also learns the teacher's ranking of the
 * wrong classes ("dark knowledge"); the soft term's gradient then shrinks as 1/τ², so with
 * {@code tauSquared} (our default, after Hinton et al. 2015) the soft term is multiplied by τ² to
 * keep its weight comparable across temperatures. At the paper's τ = 1 the factor is 1. With a
 * quantized student τ > 2 is a known trap (one public framework measured 91% → 80% at τ = 5).
 */
public record LossWeights(double alpha, double beta, double gamma, double tau, boolean tauSquared) {
    public static final LossWeights PAPER = new LossWeights(1, 0.5, 0.5, 1, true);

    public LossWeights {
        for (double v : new double[] {alpha, beta, gamma})
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("loss weights must be finite and >= 0, got " + v);
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("--tau must be a positive number, got " + tau);
    }

    /** The multiplier of the soft term: γ, times τ² when tauSquared. */
    public double softFactor() {
        return tauSquared ? gamma * tau * tau : gamma;
    }
}
