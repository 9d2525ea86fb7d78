package dev.apprentice.distill.experiment;

import java.util.Locale;

/** One finished run in docs/results/results.csv; test_error and top5_error in percent. */
public record ResultRow(String student, String teacher, String precision, String scheme, int seed, int epochs,
                        double testError, double top5Error, double trainSeconds) {
    public static final String HEADER = "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds";

    /** The fields that identify a run: a plan re-run skips rows with the same key. */
    public String key() {
        return String.join(",", student, teacher, precision, scheme, Integer.toString(seed), Integer.toString(epochs));
    }

    public String cell() {
        return String.join(",", student, teacher, precision, scheme);
    }

    public String csv() {
        return key() + String.format(Locale.ROOT, ",%.2f,%.2f,%.0f", testError, top5Error, trainSeconds);
    }

    static ResultRow parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 9) throw new IllegalArgumentException("expected 9 fields, got " + f.length + ": " + line);
        return new ResultRow(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]));
    }
}
