package dev.apprentice.cudakernels.driver;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * Two CUDA events on the default stream: the GPU's own clock between {@link #start()} and
 * {@link #stop()}, read by {@link #millis()} (which waits for the stop event).
 */
public final class GpuTimer implements AutoCloseable {
    private final CUevent begin = new CUevent(), end = new CUevent();
    private boolean open;

    public GpuTimer() {
        CudaDriver.check(JCudaDriver.cuEventCreate(begin, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        int r = JCudaDriver.cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT);
        if (r != 0) {
            JCudaDriver.cuEventDestroy(begin);
            CudaDriver.check(r, "cuEventCreate");
        }
        open = true;
    }

    public void start() {
        CudaDriver.check(JCudaDriver.cuEventRecord(begin, null), "cuEventRecord");
    }

    public void stop() {
        CudaDriver.check(JCudaDriver.cuEventRecord(end, null), "cuEventRecord");
    }

    /** Milliseconds between the two events, after waiting for the second. */
    public float millis() {
        CudaDriver.check(JCudaDriver.cuEventSynchronize(end), "cuEventSynchronize (or a kernel timed by it)");
        float[] ms = new float[1];
        CudaDriver.check(JCudaDriver.cuEventElapsedTime(ms, begin, end), "cuEventElapsedTime");
        return ms[0];
    }

    @Override
    public void close() {
        if (!open) return;
        open = false;
        JCudaDriver.cuEventDestroy(begin);
        JCudaDriver.cuEventDestroy(end);
    }
}
