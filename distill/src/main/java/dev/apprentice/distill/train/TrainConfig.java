package dev.apprentice.distill.train;

import dev.apprentice.distill.apprentice.Distillation;
import dev.apprentice.quant.QuantConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that determines a training run. Two runs with equal configs (and thread counts)
 * produce bit-identical models; a resumed run must have the same config as the one it resumes.
 *
 * @param arch, width, quant the student network and its precision
 * @param distill            the scheme and teacher (Distillation.NONE: plain supervised training)
 */
public record TrainConfig(
        String arch, double width, QuantConfig quant,
        int epochs, int batchSize, double lr, String schedule, double warmup, double momentum, boolean nesterov, double weightDecay,
        int cropPadding, boolean flip, long seed, Path outDir, Distillation distill) {

    public TrainConfig {
        if (quant == null) quant = QuantConfig.FULL;
        if (distill == null) distill = Distillation.NONE;
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        if (!(warmup >= 0 && warmup < 1)) throw new IllegalArgumentException("--warmup must be in [0, 1), got " + warmup);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("--nesterov needs --momentum > 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (cropPadding < 0) throw new IllegalArgumentException("--crop-padding must be >= 0, got " + cropPadding);
        if (!(width > 0)) throw new IllegalArgumentException("--width must be positive, got " + width);
        if (!Schedules.NAMES.contains(schedule))
            throw new IllegalArgumentException("unknown --schedule '" + schedule + "'; choose one of " + Schedules.NAMES);
    }

    /** A full-precision, teacher-less run (the trainer issue's setting). */
    public TrainConfig(String arch, double width, int epochs, int batchSize, double lr, String schedule, double warmup,
                       double momentum, boolean nesterov, double weightDecay, int cropPadding, boolean flip, long seed, Path outDir) {
        this(arch, width, QuantConfig.FULL, epochs, batchSize, lr, schedule, warmup, momentum, nesterov, weightDecay,
                cropPadding, flip, seed, outDir, Distillation.NONE);
    }

    /** The fields a resumed run must share with the run it resumes, as strings for metadata. */
    public Map<String, String> fingerprint() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("width", Double.toString(width));
        m.putAll(quant.toMetadata());
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("lr", Double.toString(lr));
        m.put("schedule", schedule);
        m.put("warmup", Double.toString(warmup));
        m.put("momentum", Double.toString(momentum));
        m.put("nesterov", Boolean.toString(nesterov));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("crop_padding", Integer.toString(cropPadding));
        m.put("flip", Boolean.toString(flip));
        m.put("seed", Long.toString(seed));
        if (distill.scheme() != dev.apprentice.distill.apprentice.Scheme.NONE) {
            m.put("scheme", distill.scheme().label());
            if (distill.teacherArch() != null) m.put("teacher", distill.teacherArch() + "×" + distill.teacherWidth());
            if (distill.teacherModel() != null) m.put("teacher_model", distill.teacherModel().toAbsolutePath().normalize().toString());
            if (distill.studentInit() != null) m.put("student_init", distill.studentInit().toAbsolutePath().normalize().toString());
            var w = distill.weights();
            m.put("loss", "alpha=" + w.alpha() + " beta=" + w.beta() + " gamma=" + w.gamma() + " tau=" + w.tau() + (w.tauSquared() ? " tau^2" : ""));
        }
        return m;
    }
}
