package dev.apprentice.quant;

import dev.apprentice.quant.quantizer.WeightCodes;

/**
 * A rule that maps a weight tensor (rows = output channels) to integer codes and scales, real
 * weight = code · scale[row]. Fake quantization during training and packing for inference both
 * call {@link #codes}, so the packed model holds exactly the weights the trained model used.
 */
public sealed interface WeightQuantizer {
    /** Codes and per-row scales of w (rows × k). */
    WeightCodes codes(float[] w, int rows, int k);

    /** Bits per weight of the codes (2 = ternary). */
    int bits();

    /** True where the straight-through gradient passes for weight value w. */
    boolean passesGradient(float w);

    /** Ternary {−α, 0, +α}: Δ = threshold · mean|w|, α = mean |w| of the weights above Δ (TWN). */
    static WeightQuantizer ternary(float threshold, boolean perChannel) {
        return new Ternary(threshold, perChannel);
    }

    /** k-bit: s = max|w|, codes round(w / s · L) with L = 2^(k−1) − 1, real = code · s / L. */
    static WeightQuantizer maxScaled(int bits, boolean perChannel) {
        return new MaxScaled(bits, perChannel);
    }

    /** WRPN: clamp to [−1, 1] and round to L = 2^(k−1) − 1 levels a side; real = code / L. */
    static WeightQuantizer wrpn(int bits) {
        return new Wrpn(bits);
    }

    record Ternary(float threshold, boolean perChannel) implements WeightQuantizer {
        public WeightCodes codes(float[] w, int rows, int k) {
            return WeightCodes.ternary(w, rows, k, threshold, perChannel);
        }

        public int bits() {
            return 2;
        }

        public boolean passesGradient(float w) {
            return true;
        }
    }

    record MaxScaled(int bits, boolean perChannel) implements WeightQuantizer {
        public MaxScaled {
            if (bits != 4 && bits != 8) throw new IllegalArgumentException("max-scaled weights need 4 or 8 bits, got " + bits);
        }

        public WeightCodes codes(float[] w, int rows, int k) {
            return WeightCodes.maxScaled(w, rows, k, bits, perChannel);
        }

        /** The scale is max|w|, so every weight lies inside the range. */
        public boolean passesGradient(float w) {
            return true;
        }
    }

    record Wrpn(int bits) implements WeightQuantizer {
        public Wrpn {
            if (bits != 2 && bits != 4 && bits != 8) throw new IllegalArgumentException("WRPN weights need 2, 4 or 8 bits, got " + bits);
        }

        public WeightCodes codes(float[] w, int rows, int k) {
            return WeightCodes.wrpn(w, rows, k, bits);
        }

        public boolean passesGradient(float w) {
            return w >= -1f && w <= 1f;
        }
    }
}
