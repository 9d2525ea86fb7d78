package dev.apprentice.quant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A precision spec written aXwY: X-bit activations and Y-bit weights, each 2, 4, 8 or 32 (32 =
 * full precision). w2 means ternary weights {-α, 0, +α}; a2 means activations on 4 levels in [0, 1].
 */
public record Precision(int activationBits, int weightBits) {
    public static final Precision FULL = new Precision(32, 32);
    private static final Pattern SPEC = Pattern.compile("a(\\d+)w(\\d+)");

    public Precision {
        check("activation", activationBits);
        check("weight", weightBits);
    }

    private static void check(String what, int bits) {
        if (bits != 2 && bits != 4 && bits != 8 && bits != 32)
            throw new IllegalArgumentException(what + " bits must be 2, 4, 8 or 32, got " + bits);
    }

    /** Parses "a8w2", "fp32" or "a32w32". */
    public static Precision parse(String spec) {
        String s = spec.trim().toLowerCase();
        if (s.equals("fp32") || s.equals("full")) return FULL;
        Matcher m = SPEC.matcher(s);
        if (!m.matches())
            throw new IllegalArgumentException("precision '" + spec + "' is not of the form aXwY (X, Y in 2, 4, 8, 32), e.g. a8w2 or a4w4");
        try {
            return new Precision(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision '" + spec + "': " + e.getMessage());
        }
    }

    public boolean quantizesActivations() {
        return activationBits < 32;
    }

    public boolean quantizesWeights() {
        return weightBits < 32;
    }

    public boolean isFull() {
        return !quantizesActivations() && !quantizesWeights();
    }

    /** Largest activation code, 2^bits − 1 (codes are 0 .. levels). */
    public int activationLevels() {
        return (1 << activationBits) - 1;
    }

    @Override
    public String toString() {
        return isFull() ? "fp32" : "a" + activationBits + "w" + weightBits;
    }
}
