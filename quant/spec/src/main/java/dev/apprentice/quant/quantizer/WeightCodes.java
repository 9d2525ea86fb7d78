package dev.apprentice.quant.quantizer;

/**
 * Integer weight codes and per-row scales: real weight (r, i) = codes[r·k + i] · scale[r]. The
 * arithmetic of every weight quantizer lives here, once: sums in double in index order, so the
 * result is an exact function of the weights.
 */
public record WeightCodes(int rows, int k, int[] codes, float[] scale) {

    /** Real value of weight i (row-major index). */
    public float value(int i) {
        return codes[i] * scale[i / k];
    }

    /** All real values, rows × k. */
    public float[] values() {
        float[] v = new float[codes.length];
        for (int i = 0; i < v.length; i++) v[i] = value(i);
        return v;
    }

    /** TWN ternary: per group Δ = t · mean|w|; kept = |w| > Δ; α = mean of kept |w| (0 if none). */
    public static WeightCodes ternary(float[] w, int rows, int k, float t, boolean perRow) {
        check(w, rows, k);
        int[] q = new int[rows * k];
        float[] scale = new float[rows];
        int groups = perRow ? rows : 1, span = perRow ? k : rows * k;
        for (int g = 0; g < groups; g++) {
            int from = g * span, to = from + span;
            double abs = 0;
            for (int i = from; i < to; i++) abs += Math.abs(w[i]);
            float delta = (float) (t * abs / span);
            double kept = 0;
            int n = 0;
            for (int i = from; i < to; i++) {
                float a = Math.abs(w[i]);
                if (a > delta) {
                    q[i] = w[i] > 0 ? 1 : -1;
                    kept += a;
                    n++;
                }
            }
            fill(scale, perRow ? g : -1, n == 0 ? 0f : (float) (kept / n));
        }
        return new WeightCodes(rows, k, q, scale);
    }

    /** k-bit symmetric: s = max|w| per group, code = rint(w · (L / s)), L = 2^(bits−1) − 1, scale = s / L. */
    public static WeightCodes maxScaled(float[] w, int rows, int k, int bits, boolean perRow) {
        check(w, rows, k);
        int levels = (1 << (bits - 1)) - 1;
        int[] q = new int[rows * k];
        float[] scale = new float[rows];
        int groups = perRow ? rows : 1, span = perRow ? k : rows * k;
        for (int g = 0; g < groups; g++) {
            int from = g * span, to = from + span;
            float max = 0f;
            for (int i = from; i < to; i++) max = Math.max(max, Math.abs(w[i]));
            if (max > 0) {
                float inv = levels / max;
                for (int i = from; i < to; i++) q[i] = (int) Math.rint(Math.max(-levels, Math.min(levels, w[i] * inv)));
            }
            fill(scale, perRow ? g : -1, max / levels);
        }
        return new WeightCodes(rows, k, q, scale);
    }

    /** WRPN: code = rint(clamp(w, −1, 1) · L), L = 2^(bits−1) − 1 (1 for ternary), scale = 1 / L. */
    public static WeightCodes wrpn(float[] w, int rows, int k, int bits) {
        check(w, rows, k);
        int levels = bits == 2 ? 1 : (1 << (bits - 1)) - 1;
        int[] q = new int[rows * k];
        for (int i = 0; i < q.length; i++) q[i] = (int) Math.rint(Math.max(-1f, Math.min(1f, w[i])) * levels);
        float[] scale = new float[rows];
        java.util.Arrays.fill(scale, 1f / levels);
        return new WeightCodes(rows, k, q, scale);
    }

    private static void fill(float[] scale, int row, float v) {
        if (row >= 0) scale[row] = v;
        else java.util.Arrays.fill(scale, v);
    }

    private static void check(float[] w, int rows, int k) {
        if (rows < 1 || k < 1 || w.length != (long) rows * k)
            throw new IllegalArgumentException(w.length + " weights do not form " + rows + " rows of " + k);
    }
}
