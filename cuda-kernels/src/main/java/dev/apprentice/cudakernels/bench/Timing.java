package dev.apprentice.cudakernels.bench;

import dev.apprentice.cudakernels.CudaBackend;
import dev.apprentice.cudakernels.driver.GpuTimer;

/**
 * How long one launch takes, three ways: back to back on the GPU's clock (launches queued with
 * no host wait: the kernel's own time once the queue is full), with a sync after each launch on
 * the GPU's clock (the kernel alone, queue drained) and on the host's (what a caller waiting for
 * every result sees: launch overhead, the kernel, the wait).
 *
 * @param iterations launches per measurement
 */
record Timing(int iterations, double gpuMicrosBackToBack, double gpuMicrosSynced, double wallMicrosSynced) {

    /** Times `launch` (which queues one launch) for about `millis` of GPU time per mode. */
    static Timing of(CudaBackend gpu, Runnable launch, double millis) {
        for (int i = 0; i < 3; i++) launch.run(); // JIT-compiles Java and loads the kernel
        gpu.synchronize();
        try (GpuTimer timer = new GpuTimer()) {
            timer.start();
            launch.run();
            timer.stop();
            double once = Math.max(timer.millis(), 1e-3);
            int iterations = (int) Math.max(10, Math.min(2000, millis / once));

            timer.start();
            for (int i = 0; i < iterations; i++) launch.run();
            timer.stop();
            double backToBack = 1000.0 * timer.millis() / iterations;

            double synced = 0;
            long wallStart = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                timer.start();
                launch.run();
                timer.stop();
                synced += timer.millis();
            }
            double wall = (System.nanoTime() - wallStart) / 1e3 / iterations;
            return new Timing(iterations, backToBack, 1000.0 * synced / iterations, wall);
        }
    }
}
