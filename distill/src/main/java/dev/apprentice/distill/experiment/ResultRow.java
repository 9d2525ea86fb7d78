package dev.apprentice.distill.experiment;

import java.util.Locale;

/**
 * One finished run in docs/results/results.csv; test_error and top5_error in percent. width (the
 * student's width multiplier) and tau (the distillation temperature) came later than the other
 * columns, so they close the row, and a row without them reads as width 1, τ 1.
 */
public record ResultRow(String student, String teacher, String precision, String scheme, int seed, int epochs,
                        double testError, double top5Error, double trainSeconds, double width, double tau) {
    public static final String HEADER = "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds,width,tau";
    private static final String HEADER_BEFORE_WIDTH = "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds";

    /** Whether a results file's first line is a header this class reads. */
    static boolean isHeader(String line) {
        return line.equals(HEADER) || line.equals(HEADER_BEFORE_WIDTH);
    }

    /** The fields that identify a run: a plan re-run skips rows with the same key. */
    public String key() {
        return String.join(",", cell(), Integer.toString(seed), Integer.toString(epochs));
    }

    /** The fields that make a table cell: rows of one cell differ only in their seed. */
    public String cell() {
        return String.join(",", student, number(width), teacher, precision, scheme, number(tau));
    }

    /** The student network with its width when not 1: resnet8, resnet8x2. */
    public String network() {
        return student + (width == 1 ? "" : "x" + number(width));
    }

    /** The run's directory name, under the runner's runs folder and the committed archive. */
    public String runDir() {
        return network() + "-" + precision + "-" + scheme
                + (teacher.isEmpty() ? "" : "-" + teacher) + (tau == 1 ? "" : "-t" + number(tau)) + "-s" + seed;
    }

    public String csv() {
        return String.join(",", student, teacher, precision, scheme, Integer.toString(seed), Integer.toString(epochs))
                + String.format(Locale.ROOT, ",%.2f,%.2f,%.0f,", testError, top5Error, trainSeconds) + number(width) + "," + number(tau);
    }

    /** 1, 2, 0.25: a width or temperature as people write it. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    static ResultRow parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 9 && f.length != 11) throw new IllegalArgumentException("expected 11 fields, got " + f.length + ": " + line);
        return new ResultRow(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
                f.length == 11 ? Double.parseDouble(f[9]) : 1, f.length == 11 ? Double.parseDouble(f[10]) : 1);
    }
}
