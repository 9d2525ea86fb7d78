package dev.apprentice.distill.experiment;

import java.util.Locale;

/**
 * One finished run in docs/results/results.csv; test_error and top5_error in percent. width (the
 * student's width multiplier) and tau (the distillation temperature) came later than the first nine
 * columns, and commit, date and data (provenance) later still, so they close the row: a row without
 * them reads as width 1, τ 1 and unknown provenance.
 */
public record ResultRow(String student, String teacher, String precision, String scheme, int seed, int epochs,
                        double testError, double top5Error, double trainSeconds, double width, double tau,
                        String commit, String date, String data) {
    public static final String HEADER = "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds,width,tau,commit,date,data";
    private static final String HEADER_BEFORE_PROVENANCE = "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds,width,tau";
    private static final String HEADER_BEFORE_WIDTH = "student,teacher,precision,scheme,seed,epochs,test_error,top5_error,train_seconds";

    /** commit, date and data (which build, day and dataset made the row) are empty for rows written before 2026-12-05. */
    public ResultRow {
        commit = commit == null ? "" : commit.replace(',', ';');
        date = date == null ? "" : date.replace(',', ';');
        data = data == null ? "" : data.replace(',', ';');
    }

    /** A row without provenance (a planned run's identity, or a row from before the columns existed). */
    public ResultRow(String student, String teacher, String precision, String scheme, int seed, int epochs,
                     double testError, double top5Error, double trainSeconds, double width, double tau) {
        this(student, teacher, precision, scheme, seed, epochs, testError, top5Error, trainSeconds, width, tau, "", "", "");
    }

    /** The same row saying which build (git commit), day (ISO date) and data (source and checksum prefix) made it. */
    public ResultRow withProvenance(String commit, String date, String data) {
        return new ResultRow(student, teacher, precision, scheme, seed, epochs, testError, top5Error, trainSeconds, width, tau, commit, date, data);
    }

    /** Whether a results file's first line is a header this class reads. */
    static boolean isHeader(String line) {
        return line.equals(HEADER) || line.equals(HEADER_BEFORE_PROVENANCE) || line.equals(HEADER_BEFORE_WIDTH);
    }

    /** The fields that identify a run: a plan re-run skips rows with the same key, a results file refuses two. */
    public String key() {
        return String.join(",", cell(), Integer.toString(seed));
    }

    /**
     * The fields that make a table cell, the recipe (epochs) included: rows of one cell differ only in
     * their seed, so a 1-epoch row is never averaged with 10-epoch rows.
     */
    public String cell() {
        return String.join(",", student, number(width), teacher, precision, scheme, number(tau), Integer.toString(epochs));
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
                + String.format(Locale.ROOT, ",%.2f,%.2f,%.0f,", testError, top5Error, trainSeconds) + number(width) + "," + number(tau)
                + "," + commit + "," + date + "," + data;
    }

    /** 1, 2, 0.25: a width or temperature as people write it. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    static ResultRow parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 9 && f.length != 11 && f.length != 14) throw new IllegalArgumentException("expected 14 fields, got " + f.length + ": " + line);
        ResultRow r = new ResultRow(f[0], f[1], f[2], f[3], integer(f[4], "seed"), integer(f[5], "epochs"),
                number(f[6], "test_error"), number(f[7], "top5_error"), number(f[8], "train_seconds"),
                f.length >= 11 ? number(f[9], "width") : 1, f.length >= 11 ? number(f[10], "tau") : 1,
                f.length == 14 ? f[11] : "", f.length == 14 ? f[12] : "", f.length == 14 ? f[13] : "");
        if (r.student.isEmpty() || r.precision.isEmpty() || r.scheme.isEmpty()) throw new IllegalArgumentException("student, precision and scheme must not be empty");
        if (r.epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + r.epochs);
        if (!(r.testError >= 0 && r.testError <= 100) || !(r.top5Error >= 0 && r.top5Error <= 100))
            throw new IllegalArgumentException("test errors must be percentages from 0 to 100, got " + f[6] + " and " + f[7]);
        if (!(r.trainSeconds >= 0) || !(r.width > 0) || !(r.tau > 0))
            throw new IllegalArgumentException("train_seconds must be 0 or more and width and tau above 0, got " + f[8] + ", " + r.width + ", " + r.tau);
        return r;
    }

    private static int integer(String field, String name) {
        try {
            return Integer.parseInt(field.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + field + "'");
        }
    }

    /** A finite number (Double.parseDouble would also take NaN, Infinity and hexadecimal). */
    private static double number(String field, String name) {
        String t = field.strip();
        if (!t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?"))
            throw new IllegalArgumentException(name + " must be a finite number, got '" + field + "'");
        return Double.parseDouble(t);
    }
}
