package dev.apprentice.distill.train;

import dev.apprentice.distill.apprentice.Scheme;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.quant.QuantConfig;

import java.io.IOException;
import java.io.PrintStream;

/**
 * The networks of a run, built from its config: the student (quantizers installed, initialised
 * from a trained full-precision student in schemes C and finetune), and the teacher (a fresh
 * full-precision network trained alongside in scheme A, a frozen model file in B and C).
 */
record Participants(ModelSpec studentSpec, Module student, ModelSpec teacherSpec, Module teacher) {

    static Participants build(TrainConfig cfg, Splits data, Normalization norm, PrintStream out) throws IOException {
        var t = data.train();
        var d = cfg.distill();
        ModelSpec studentSpec = new ModelSpec(cfg.arch(), cfg.width(), t.channels(), t.height(), t.width(), t.classes(), norm, cfg.quant(),
                java.util.List.of(t.classNames()));
        Module student = studentSpec.build(cfg.seed());
        if (d.scheme().initialisesStudent()) {
            ModelFiles.Loaded init = loadFitting(d.studentInit(), "--student-init", studentSpec, studentSpec.withQuant(QuantConfig.FULL));
            if (!init.spec().arch().equals(cfg.arch()) || init.spec().width() != cfg.width())
                throw new IllegalArgumentException("--student-init " + d.studentInit() + " holds " + init.spec().label()
                        + ", not the student " + studentSpec.label() + " (scheme " + d.scheme().label() + " fine-tunes the same architecture)");
            requireFullPrecision(init.spec(), "--student-init", d.studentInit(), "the full-precision student that scheme " + d.scheme().label() + " starts from");
            student.loadStateDict(init.model().stateDict());
            out.printf("student initialised from %s (%s)%n", d.studentInit(), init.spec().label());
        }
        ModelSpec teacherSpec = null;
        Module teacher = null;
        if (d.scheme() == Scheme.A) {
            teacherSpec = new ModelSpec(d.teacherArch(), d.teacherWidth(), t.channels(), t.height(), t.width(), t.classes(), norm, QuantConfig.FULL,
                    java.util.List.of(t.classNames()));
            teacher = teacherSpec.build(cfg.seed() ^ 0x7EAC4E5L);
        } else if (d.scheme().hasTeacher()) {
            // A file without our metadata (a PyTorch state dict) is read as the --teacher network.
            ModelSpec named = d.teacherArch() == null ? null
                    : new ModelSpec(d.teacherArch(), d.teacherWidth(), t.channels(), t.height(), t.width(), t.classes(), norm, QuantConfig.FULL);
            ModelFiles.Loaded loaded = loadFitting(d.teacherModel(), "--teacher-model", studentSpec, named);
            requireFullPrecision(loaded.spec(), "--teacher-model", d.teacherModel(), "the full-precision teacher of scheme " + d.scheme().label());
            teacherSpec = loaded.spec();
            if (d.teacherArch() != null && !d.teacherArch().equalsIgnoreCase(teacherSpec.arch()))
                throw new IllegalArgumentException("--teacher " + d.teacherArch() + " does not match --teacher-model " + d.teacherModel()
                        + ", which holds " + teacherSpec.label());
            teacher = loaded.model();
            teacher.eval();
            for (var p : teacher.parameters()) p.requireGrad(false);
        }
        return new Participants(studentSpec, student, teacherSpec, teacher);
    }

    private static void requireFullPrecision(ModelSpec spec, String flag, java.nio.file.Path file, String role) {
        if (!spec.quant().isFull())
            throw new IllegalArgumentException(flag + " " + file + " holds an " + spec.quant().precision() + " network; it must be " + role
                    + " (train one with --precision fp32)");
    }

    /**
     * Loads a model file that must take the student's input shape and classes; a file that does
     * not name its network (no 'arch' metadata) is read as {@code fallback}.
     */
    private static ModelFiles.Loaded loadFitting(java.nio.file.Path file, String flag, ModelSpec student, ModelSpec fallback) throws IOException {
        ModelFiles.Loaded l = ModelFiles.load(file, fallback);
        ModelSpec s = l.spec();
        if (s.channels() != student.channels() || s.height() != student.height() || s.imageWidth() != student.imageWidth() || s.classes() != student.classes())
            throw new ModelFileException(flag + " " + file + " takes " + s.channels() + "×" + s.height() + "×" + s.imageWidth() + " images in "
                    + s.classes() + " classes; this data has " + student.channels() + "×" + student.height() + "×" + student.imageWidth() + " in " + student.classes());
        return l;
    }
}
