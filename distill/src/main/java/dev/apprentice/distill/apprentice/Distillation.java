package dev.apprentice.distill.apprentice;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher side of a run: the scheme, the teacher (an architecture to train in scheme A, a
 * model file in B and C, where a given architecture must match the file's), the trained
 * full-precision student that C and finetune start from, and the loss weights.
 */
public record Distillation(Scheme scheme, String teacherArch, double teacherWidth, Path teacherModel, Path studentInit,
                           LossWeights weights) {
    public static final Distillation NONE = new Distillation(Scheme.NONE, null, 1, null, null, LossWeights.PAPER);

    public Distillation {
        if (scheme == null) throw new IllegalArgumentException("scheme is required");
        if (weights == null) weights = LossWeights.PAPER;
        if (!(teacherWidth > 0)) throw new IllegalArgumentException("--teacher-width must be positive, got " + teacherWidth);
        List<String> problems = new ArrayList<>();
        if (scheme == Scheme.A && teacherArch == null) problems.add("scheme A trains a teacher: give --teacher (e.g. resnet20)");
        if (scheme == Scheme.A && teacherModel != null) problems.add("scheme A trains its teacher from scratch: drop --teacher-model (or use scheme B)");
        if ((scheme == Scheme.B || scheme == Scheme.C) && teacherModel == null)
            problems.add("scheme " + scheme + " distils from a trained teacher: give --teacher-model FILE");
        if (!scheme.hasTeacher() && (teacherModel != null || teacherArch != null))
            problems.add("scheme " + scheme.label() + " has no teacher: drop --teacher/--teacher-model");
        if (scheme.initialisesStudent() && studentInit == null)
            problems.add("scheme " + scheme.label() + " starts from a trained full-precision student: give --student-init FILE");
        if (!scheme.initialisesStudent() && studentInit != null)
            problems.add("--student-init is used by schemes C and finetune only");
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    }
}
