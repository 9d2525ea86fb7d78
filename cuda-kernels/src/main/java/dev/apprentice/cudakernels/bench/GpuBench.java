package dev.apprentice.cudakernels.bench;

import dev.apprentice.cudakernels.ConvShape;
import dev.apprentice.cudakernels.CudaBackend;
import dev.apprentice.cudakernels.FloatGemm;
import dev.apprentice.cudakernels.GpuWeightLayout;
import dev.apprentice.cudakernels.LaunchPlan;
import dev.apprentice.cudakernels.driver.CudaException;
import dev.apprentice.cudakernels.driver.DeviceBuffer;
import dev.apprentice.cudakernels.driver.GpuTimer;
import dev.apprentice.quant.packed.LowBitBackend.Activations;
import dev.apprentice.quant.packed.LowBitBackend.Layer;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The GPU matrix benchmark (docs/gpu.md): C = A·Wᵀ for A of M × K activation codes (8-bit) and W
 * of N × K weights, K = N in {4096, 8192}, M in {1, 16, 64, 256, 1024}: our ternary, int4 (and
 * optionally int8) kernels through CudaBackend.conv — the real path, epilogue and all — and our
 * fp32 GEMM, each timed with CUDA events back to back and with a sync per launch. Bandwidth is
 * the bytes a launch must move (weights, activations, outputs) over its time, set against a
 * device-to-device copy measured in the same run. Weights rotate over enough copies to span three
 * times the L2 cache, so every launch reads them from DRAM, as a network's layers would.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar cuda-bench.jar [options]</pre>
 */
public final class GpuBench {
    /** Bytes of one device-to-device copy used as the bandwidth yardstick. */
    private static final long COPY_BYTES = 1L << 30;

    private final CudaBackend gpu;
    private final BenchOptions options;
    private final List<String[]> rows = new ArrayList<>();
    private double copyGBps;

    private GpuBench(CudaBackend gpu, BenchOptions options) {
        this.gpu = gpu;
        this.options = options;
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cuda-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (CudaBackend gpu = new CudaBackend()) {
            new GpuBench(gpu, options).run();
        } catch (CudaException e) {
            System.err.println("cuda-bench: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("cuda-bench: cannot write the CSV: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws IOException {
        System.out.printf(Locale.ROOT, "device: %s, L2 %d MiB; GPU weight layout v%d%n", gpu.device(), gpu.device().l2Bytes() >> 20, GpuWeightLayout.VERSION);
        copyGBps = measureCopy();
        System.out.printf(Locale.ROOT, "device-to-device copy: %.0f GB/s (bytes read + written, %d MiB)%n%n", copyGBps, COPY_BYTES >> 20);
        System.out.println("| K = N | M | kernel | path | µs back to back | µs synced (GPU) | µs synced (wall) | GB/s | % of copy | TOP/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int size : options.sizes()) {
            for (String kernel : options.kernels()) {
                if (kernel.equals("fp32")) benchFloat(size);
                else benchPacked(size, encodingOf(kernel), kernel);
            }
        }
        if (options.csv() != null) writeCsv();
    }

    private double measureCopy() {
        try (DeviceBuffer a = DeviceBuffer.allocate(COPY_BYTES); DeviceBuffer b = DeviceBuffer.allocate(COPY_BYTES)) {
            Timing t = Timing.of(gpu, () -> DeviceBuffer.copy(a, b, COPY_BYTES), options.millis());
            return 2.0 * COPY_BYTES / (t.gpuMicrosBackToBack() * 1e3);
        }
    }

    private void benchPacked(int size, WeightEncoding encoding, String name) {
        PackedConv conv = RandomWeights.linear(encoding, size, size, size * 31L + encoding.ordinal());
        long weightBytes = 4L * size * GpuWeightLayout.rowWords(encoding, size) + 8L * size;
        int copies = copiesFor(weightBytes);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < copies; i++) layers.add(gpu.prepare(conv));
        for (int m : options.batches()) {
            Activations x = gpu.uploadCodes(RandomWeights.codes(m * size, m), m, size, 1, 1, 8);
            int[] next = {0};
            Timing t = Timing.of(gpu, () -> gpu.free(gpu.conv(x, layers.get(next[0]++ % copies), null, 8)), options.millis());
            gpu.free(x);
            String path = LaunchPlan.conv(ConvShape.of(conv, m, 1, 1), encoding).kernel().entry();
            report(size, m, name, path, t, weightBytes + (long) m * size + (long) m * size);
        }
    }

    private void benchFloat(int size) {
        long weightBytes = 4L * size * size + 8L * size;
        int copies = copiesFor(weightBytes);
        List<DeviceBuffer> weights = new ArrayList<>();
        try (DeviceBuffer scale = DeviceBuffer.of(RandomWeights.floats(size, 1)); DeviceBuffer bias = DeviceBuffer.of(RandomWeights.floats(size, 2))) {
            float[] w = RandomWeights.floats(size * size, size);
            for (int i = 0; i < copies; i++) weights.add(DeviceBuffer.of(w));
            for (int m : options.batches()) {
                try (DeviceBuffer a = DeviceBuffer.of(RandomWeights.floats(m * size, m)); DeviceBuffer c = DeviceBuffer.allocate(4L * m * size)) {
                    int[] next = {0};
                    Timing t = Timing.of(gpu, () -> FloatGemm.launch(gpu, m, size, size, a, weights.get(next[0]++ % copies), scale, bias, c), options.millis());
                    report(size, m, "fp32", LaunchPlan.sgemm(m, size, size).kernel().entry(), t, weightBytes + 4L * m * size + 4L * m * size);
                }
            }
        } finally {
            for (DeviceBuffer b : weights) b.close();
        }
    }

    private static WeightEncoding encodingOf(String kernel) {
        return switch (kernel) {
            case "ternary" -> WeightEncoding.TERNARY;
            case "int4" -> WeightEncoding.INT4;
            case "int8" -> WeightEncoding.INT8;
            default -> throw new IllegalArgumentException("not a packed kernel: " + kernel);
        };
    }

    /** Enough copies of the weights to span three L2 caches (at most 64, at least 1). */
    private int copiesFor(long weightBytes) {
        long span = 3L * gpu.device().l2Bytes();
        return (int) Math.max(1, Math.min(64, (span + weightBytes - 1) / weightBytes));
    }

    private void report(int size, int m, String kernel, String path, Timing t, long bytes) {
        double gbps = bytes / (t.gpuMicrosBackToBack() * 1e3);
        double tops = 2.0 * m * size * size / (t.gpuMicrosBackToBack() * 1e6);
        String[] row = {String.valueOf(size), String.valueOf(m), kernel, path, fmt(t.gpuMicrosBackToBack()), fmt(t.gpuMicrosSynced()),
                fmt(t.wallMicrosSynced()), fmt(gbps), fmt(100 * gbps / copyGBps), String.format(Locale.ROOT, "%.2f", tops)};
        rows.add(row);
        System.out.println("| " + String.join(" | ", row) + " |");
    }

    private void writeCsv() throws IOException {
        StringBuilder csv = new StringBuilder("k_n,m,kernel,path,us_back_to_back,us_synced_gpu,us_synced_wall,gb_per_s,percent_of_copy,tops,copy_gb_per_s\n");
        for (String[] r : rows) csv.append(String.join(",", r)).append(',').append(fmt(copyGBps)).append('\n');
        Files.writeString(options.csv(), csv);
        System.out.println("\nwrote " + options.csv());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }
}
