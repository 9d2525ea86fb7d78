package dev.apprentice.distill.train;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.engine.tensor.Tensor;

/**
 * Re-normalizes a batch for a teacher trained with other input statistics (say, on a subset of
 * the data): per channel x_T = x_S · (std_S / std_T) + (mean_S − mean_T) / std_T, which is what
 * the teacher would have seen from the same pixels. Identity when the statistics agree.
 */
final class TeacherInput {
    private final float[] scale, shift;

    private TeacherInput(float[] scale, float[] shift) {
        this.scale = scale;
        this.shift = shift;
    }

    static TeacherInput between(Normalization student, Normalization teacher) {
        if (java.util.Arrays.equals(student.mean(), teacher.mean()) && java.util.Arrays.equals(student.std(), teacher.std()))
            return new TeacherInput(null, null);
        int c = student.mean().length;
        float[] scale = new float[c], shift = new float[c];
        for (int i = 0; i < c; i++) {
            scale[i] = student.std()[i] / teacher.std()[i];
            shift[i] = (student.mean()[i] - teacher.mean()[i]) / teacher.std()[i];
        }
        return new TeacherInput(scale, shift);
    }

    Tensor apply(Tensor x) {
        if (scale == null) return x;
        int n = x.dim(0), c = x.dim(1), plane = x.size() / (n * c);
        float[] in = x.data(), out = new float[in.length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++) {
                int o = (b * c + ch) * plane;
                for (int p = 0; p < plane; p++) out[o + p] = in[o + p] * scale[ch] + shift[ch];
            }
        return Tensor.of(out, x.shape());
    }
}
