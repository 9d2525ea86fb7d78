package dev.apprentice.cudakernels.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GpuBench's command line: {@code [--sizes 4096,8192] [--batches 1,16,64,256,1024]
 * [--kernels ternary,int4,fp32] [--millis 200] [--csv results.csv]}.
 *
 * @param sizes   K = N of each weight matrix
 * @param batches M, the rows of activations multiplied by it
 * @param kernels which of ternary, int4, int8, fp32 to time
 * @param millis  target GPU time per measurement (sets the iteration count)
 * @param csv     where to write the results as CSV too (null: only the table on stdout)
 */
record BenchOptions(List<Integer> sizes, List<Integer> batches, List<String> kernels, double millis, Path csv) {
    static final List<String> KERNELS = List.of("ternary", "int4", "int8", "fp32");

    static BenchOptions parse(String[] args) {
        List<Integer> sizes = List.of(4096, 8192), batches = List.of(1, 16, 64, 256, 1024);
        List<String> kernels = List.of("ternary", "int4", "fp32");
        double millis = 200;
        Path csv = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
            String value = args[++i];
            switch (flag) {
                case "--sizes" -> sizes = ints(flag, value);
                case "--batches" -> batches = ints(flag, value);
                case "--kernels" -> {
                    kernels = List.of(value.split(","));
                    for (String k : kernels)
                        if (!KERNELS.contains(k)) throw new IllegalArgumentException("--kernels: " + k + " is not one of " + KERNELS);
                }
                case "--millis" -> millis = Double.parseDouble(value);
                case "--csv" -> csv = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag
                        + " (use --sizes, --batches, --kernels, --millis, --csv)");
            }
        }
        return new BenchOptions(sizes, batches, kernels, millis, csv);
    }

    private static List<Integer> ints(String flag, String value) {
        List<Integer> list = new ArrayList<>();
        for (String v : value.split(",")) {
            int n = Integer.parseInt(v.trim());
            if (n < 1) throw new IllegalArgumentException(flag + ": " + n + " is not a positive size");
            list.add(n);
        }
        return list;
    }
}
