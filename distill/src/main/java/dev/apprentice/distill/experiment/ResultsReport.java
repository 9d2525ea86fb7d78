package dev.apprentice.distill.experiment;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apprentice.nn.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * From the results rows: docs/results/table.md (test error per cell in the paper's layout —
 * a row per student, scheme and teacher, a column per precision — as mean ± standard deviation
 * over seeds with the min–max range and the seed count), and docs/results/plots/*.png (test error
 * per epoch, averaged over seeds, one line per scheme, one chart per student and precision).
 */
public final class ResultsReport {
    private static final List<String> PRECISIONS = List.of("fp32", "a8w8", "a8w4", "a4w4", "a8w2", "a4w2");

    private ResultsReport() {}

    /** Mean, sample standard deviation and range of a cell's test errors. */
    public record Stats(int n, double mean, double sd, double min, double max) {
        static Stats of(List<Double> v) {
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            return new Stats(v.size(), mean, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0,
                    v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        }

        /** The spread the acceptance compares against: the larger of the range and the standard deviation. */
        public double spread() {
            return Math.max(max - min, sd);
        }

        String cell() {
            if (n == 1) return String.format(Locale.ROOT, "%.2f (n=1)", mean);
            return String.format(Locale.ROOT, "%.2f ± %.2f (%.2f–%.2f, n=%d)", mean, sd, min, max, n);
        }
    }

    /** Stats of every cell, keyed by {@link ResultRow#cell()}. */
    public static Map<String, Stats> stats(List<ResultRow> rows) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (ResultRow r : rows) by.computeIfAbsent(r.cell(), k -> new ArrayList<>()).add(r.testError());
        Map<String, Stats> out = new LinkedHashMap<>();
        by.forEach((k, v) -> out.put(k, Stats.of(v)));
        return out;
    }

    public static void write(List<ResultRow> rows, Path runs, Path docs) throws IOException {
        Files.createDirectories(docs);
        AtomicFiles.writeString(docs.resolve("table.md"), table(rows));
        plots(rows, runs, docs.resolve(ExperimentRunner.ARCHIVE), docs.resolve("plots"));
    }

    static String table(List<ResultRow> rows) {
        Map<String, Stats> stats = stats(rows);
        TreeSet<String> precisions = new TreeSet<>((a, b) -> Integer.compare(order(a), order(b)));
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        Map<String, TreeSet<Integer>> recipes = new LinkedHashMap<>(); // a row label's epoch counts: more than one, and the label names them
        for (ResultRow r : rows) recipes.computeIfAbsent(rowLabel(r), k -> new TreeSet<>()).add(r.epochs());
        for (ResultRow r : rows) {
            precisions.add(r.precision());
            String label = rowLabel(r) + (recipes.get(rowLabel(r)).size() > 1 ? ", " + r.epochs() + (r.epochs() == 1 ? " epoch" : " epochs") : "");
            table.computeIfAbsent(label, k -> new LinkedHashMap<>()).put(r.precision(), stats.get(r.cell()).cell());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Top-1 test error (%), mean ± standard deviation over seeds (min–max, number of seeds). ")
                .append("Written by `experiment` from results.csv; do not edit.\n\n| network, scheme |");
        for (String p : precisions) sb.append(' ').append(p).append(" |");
        sb.append("\n|---|");
        for (int i = 0; i < precisions.size(); i++) sb.append("---|");
        sb.append('\n');
        table.forEach((label, cells) -> {
            sb.append("| ").append(label).append(" |");
            for (String p : precisions) sb.append(' ').append(cells.getOrDefault(p, "")).append(" |");
            sb.append('\n');
        });
        return sb.toString();
    }

    private static String rowLabel(ResultRow r) {
        return r.network() + ", " + schemeLabel(r.scheme()) + (r.teacher().isEmpty() ? "" : ", teacher " + r.teacher()) + tauLabel(r, ", ");
    }

    private static int order(String precision) {
        int i = PRECISIONS.indexOf(precision);
        return i < 0 ? PRECISIONS.size() + precision.hashCode() : i;
    }

    private static String schemeLabel(String scheme) {
        return switch (scheme) {
            case "none" -> "no teacher";
            case "finetune" -> "fine-tuned, no teacher";
            default -> "scheme " + scheme.toUpperCase(Locale.ROOT);
        };
    }

    /** ", τ = 2" for a run distilled at a temperature other than the paper's 1, else nothing. */
    private static String tauLabel(ResultRow r, String sep) {
        return r.tau() == 1 ? "" : sep + "τ = " + ResultRow.number(r.tau());
    }

    /** One chart per student and precision: mean test error per epoch of each scheme's runs. */
    private static void plots(List<ResultRow> rows, Path runs, Path archive, Path dir) throws IOException {
        Map<String, Map<String, List<ResultRow>>> charts = new TreeMap<>();
        for (ResultRow r : rows)
            charts.computeIfAbsent(r.network() + "-" + r.precision(), k -> new TreeMap<>())
                    .computeIfAbsent(schemeLabel(r.scheme()) + (r.teacher().isEmpty() ? "" : " (" + r.teacher() + tauLabel(r, ", ") + ")"), k -> new ArrayList<>()).add(r);
        Files.createDirectories(dir);
        for (var chart : charts.entrySet()) {
            XYChart c = new XYChartBuilder().width(720).height(440).title(chart.getKey() + ": test error per epoch (mean over seeds)")
                    .xAxisTitle("epoch").yAxisTitle("top-1 test error (%)").build();
            int series = 0;
            double low = Double.MAX_VALUE, high = -Double.MAX_VALUE;
            for (var s : chart.getValue().entrySet()) {
                List<double[]> curves = curves(s.getValue(), runs, archive);
                double[] mean = mean(curves);
                if (mean.length == 0) continue;
                double[] x = new double[mean.length];
                for (int i = 0; i < x.length; i++) x[i] = i + 1;
                int n = s.getValue().size(); // the table's n; curves only where a run's metrics survive
                c.addSeries(s.getKey() + " (n=" + n + (curves.size() == n ? "" : ", curves of " + curves.size()) + ")", x, mean);
                for (int i = mean.length / 2; i < mean.length; i++) {
                    low = Math.min(low, mean[i]);
                    high = Math.max(high, mean[i]);
                }
                series++;
            }
            if (series == 0) continue;
            // the second half of training at a scale where the schemes differ; the first epochs run off the top
            c.getStyler().setYAxisMin(Math.max(0, Math.floor(low - 0.5)));
            c.getStyler().setYAxisMax(Math.ceil(high + 1.5));
            BitmapEncoder.saveBitmap(c, dir.resolve(chart.getKey() + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        finalErrors(rows, dir);
    }

    /**
     * Per network, the final test error of every cell (precision, scheme, teacher) as a bar with the
     * seeds' range as its error bar: plots/NETWORK-final.png.
     */
    private static void finalErrors(List<ResultRow> rows, Path dir) throws IOException {
        Map<String, Map<String, List<Double>>> byNetwork = new TreeMap<>();
        for (ResultRow r : rows)
            byNetwork.computeIfAbsent(r.network(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.precision() + ", " + schemeLabel(r.scheme()) + (r.teacher().isEmpty() ? "" : " (" + r.teacher() + tauLabel(r, ", ") + ")"),
                            k -> new ArrayList<>()).add(r.testError());
        for (var net : byNetwork.entrySet()) {
            List<String> cells = new ArrayList<>();
            List<Double> means = new ArrayList<>(), halfRanges = new ArrayList<>();
            double low = Double.MAX_VALUE, high = -Double.MAX_VALUE;
            for (var cell : net.getValue().entrySet()) {
                Stats st = Stats.of(cell.getValue());
                cells.add(cell.getKey() + " (n=" + st.n() + ")");
                means.add((st.max() + st.min()) / 2);
                halfRanges.add((st.max() - st.min()) / 2);
                low = Math.min(low, st.min());
                high = Math.max(high, st.max());
            }
            CategoryChart c = new CategoryChartBuilder().width(900).height(120 + 40 * cells.size())
                    .title(net.getKey() + ": final top-1 test error, middle of the seeds' range with the range as error bar")
                    .xAxisTitle("cell").yAxisTitle("top-1 test error (%)").build();
            c.getStyler().setLegendVisible(false);
            c.getStyler().setXAxisLabelRotation(60);
            c.getStyler().setYAxisMin(Math.max(0, Math.floor(low - 0.5)));
            c.getStyler().setYAxisMax(Math.ceil(high + 0.5));
            c.addSeries("test error", cells, means, halfRanges);
            BitmapEncoder.saveBitmap(c, dir.resolve(net.getKey() + "-final.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Test error per epoch of the rows' runs, from their metrics files in the run directories or their committed copies (runs found in neither are skipped). */
    private static List<double[]> curves(List<ResultRow> rows, Path runs, Path archive) throws IOException {
        List<double[]> curves = new ArrayList<>();
        for (ResultRow r : rows) {
            Path metrics = runs.resolve(r.runDir()).resolve("metrics.jsonl");
            if (!Files.exists(metrics)) metrics = archive.resolve(r.runDir()).resolve("metrics.jsonl");
            if (!Files.exists(metrics)) continue;
            List<Double> err = new ArrayList<>();
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                err.add(100 - o.get("test_top1").getAsDouble());
            }
            curves.add(err.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return curves;
    }

    private static double[] mean(List<double[]> curves) {
        int len = curves.stream().mapToInt(a -> a.length).min().orElse(0);
        double[] mean = new double[len];
        for (double[] c : curves) for (int i = 0; i < len; i++) mean[i] += c[i] / curves.size();
        return mean;
    }

}
