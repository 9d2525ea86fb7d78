package dev.apprentice.distill.apprentice;

import java.util.Locale;

/**
 * How a student is trained (Apprentice §3 and the two controls every table needs).
 * <ul>
 *   <li>A: a full-precision teacher and the low-precision student trained jointly from scratch;
 *       the teacher learns only from its own hard-label term.</li>
 *   <li>B: a trained teacher, frozen, distils into a student trained from scratch.</li>
 *   <li>C: the student starts from a trained full-precision student of the same architecture and is
 *       fine-tuned at low precision with distillation from a frozen teacher.</li>
 *   <li>NONE: the student alone, from scratch (the baseline).</li>
 *   <li>FINETUNE: C's start and schedule without a teacher (tells distillation from extra epochs).</li>
 * </ul>
 */
public enum Scheme {
    A, B, C, NONE, FINETUNE;

    public static Scheme parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scheme '" + s + "'; choose A, B, C, none or finetune");
        }
    }

    /** Whether a teacher takes part. */
    public boolean hasTeacher() {
        return this == A || this == B || this == C;
    }

    /** Whether the teacher is trained here (A) rather than loaded and frozen (B, C). */
    public boolean trainsTeacher() {
        return this == A;
    }

    /** Whether the student starts from a trained full-precision student. */
    public boolean initialisesStudent() {
        return this == C || this == FINETUNE;
    }

    /** "A", "B", "C", "none", "finetune": as written on the command line and in results. */
    public String label() {
        return name().length() == 1 ? name() : name().toLowerCase(Locale.ROOT);
    }
}
