package dev.apprentice.distill.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that determines a training run. Two runs with equal configs (and thread counts)
 * produce bit-identical models; a resumed run must have the same config as the one it resumes.
 */
public record TrainConfig(
        String arch, double width, int epochs, int batchSize,
        double lr, String schedule, double warmup, double momentum, boolean nesterov, double weightDecay,
        int cropPadding, boolean flip, long seed, Path outDir) {

    public TrainConfig {
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

    /** The fields a resumed run must share with the run it resumes, as strings for metadata. */
    public Map<String, String> fingerprint() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("width", Double.toString(width));
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
        return m;
    }
}
