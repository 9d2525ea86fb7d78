package dev.apprentice.distill.data;

/** Per-channel (x/255 − mean)/std, with the statistics usually taken from the training set. */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean.length != std.length) throw new IllegalArgumentException("mean and std differ in length");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
    }

    /** Mean and standard deviation of each channel over a whole set, in [0, 1] units. */
    public static Normalization of(ImageSet set) {
        int c = set.channels(), plane = set.height() * set.width();
        double[] sum = new double[c], sq = new double[c];
        byte[] px = set.pixels();
        for (int i = 0; i < set.size(); i++)
            for (int ch = 0; ch < c; ch++) {
                int o = (i * c + ch) * plane;
                long s = 0, s2 = 0;
                for (int p = 0; p < plane; p++) {
                    int v = px[o + p] & 0xff;
                    s += v;
                    s2 += (long) v * v;
                }
                sum[ch] += s;
                sq[ch] += s2;
            }
        float[] mean = new float[c], std = new float[c];
        double count = (double) set.size() * plane;
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / count / 255.0;
            double var = sq[ch] / count / (255.0 * 255.0) - m * m;
            mean[ch] = (float) m;
            std[ch] = (float) Math.sqrt(Math.max(var, 1e-12));
        }
        return new Normalization(mean, std);
    }

    /** Writes image i of set, normalized, into out at offset. */
    void apply(ImageSet set, int i, float[] out, int offset) {
        int c = set.channels(), plane = set.height() * set.width();
        apply(set.pixels(), (i * c) * plane, c, plane, out, offset);
    }

    /** One image of channel planes of 0-255 bytes (CHW), normalized. */
    public float[] apply(byte[] chw) {
        int c = mean.length;
        if (chw.length % c != 0) throw new IllegalArgumentException(chw.length + " bytes are not " + c + " channel planes");
        float[] out = new float[chw.length];
        apply(chw, 0, c, chw.length / c, out, 0);
        return out;
    }

    private void apply(byte[] px, int from, int c, int plane, float[] out, int offset) {
        for (int ch = 0; ch < c; ch++) {
            float scale = 1f / (255f * std[ch]), shift = -mean[ch] / std[ch];
            int src = from + ch * plane, dst = offset + ch * plane;
            for (int p = 0; p < plane; p++) out[dst + p] = (px[src + p] & 0xff) * scale + shift;
        }
    }
}
