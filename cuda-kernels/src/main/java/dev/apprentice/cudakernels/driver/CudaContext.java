package dev.apprentice.cudakernels.driver;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * A device's primary context, retained for as long as this object is open. Driver calls act on
 * the calling thread's current context, so every entry point of a backend calls
 * {@link #makeCurrent()} first: a backend may be used from any thread, one at a time.
 */
public final class CudaContext implements AutoCloseable {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final int ordinal;
    private final String name;
    private final int computeMajor, computeMinor, multiprocessors, l2Bytes;
    private boolean open;

    private CudaContext(int ordinal) {
        this.ordinal = ordinal;
        int[] count = new int[1];
        CudaDriver.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (ordinal < 0 || ordinal >= count[0])
            throw new CudaException("no CUDA device " + ordinal + ": this machine has " + count[0]);
        CudaDriver.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        name = CudaDriver.deviceName(device);
        computeMajor = CudaDriver.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        computeMinor = CudaDriver.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        multiprocessors = CudaDriver.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        l2Bytes = CudaDriver.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
        if (computeMajor < CudaDriver.MIN_COMPUTE_MAJOR)
            throw new CudaException("CUDA device " + name + " has compute capability " + computeMajor + "." + computeMinor
                    + "; the kernels need " + CudaDriver.MIN_COMPUTE_MAJOR + ".0 or later");
        CudaDriver.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(" + name + ")");
        open = true;
        makeCurrent();
    }

    /** Opens device `ordinal`, or throws a one-line {@link CudaException} saying why CUDA is unusable. */
    public static CudaContext open(int ordinal) {
        CudaDriver.requireAvailable();
        return new CudaContext(ordinal);
    }

    public void makeCurrent() {
        if (!open) throw new IllegalStateException("the CUDA context of " + name + " is closed");
        CudaDriver.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits for all queued work; reports a failure of any kernel queued since the last wait. */
    public void synchronize() {
        CudaDriver.check(JCudaDriver.cuCtxSynchronize(), "a queued CUDA kernel (reported at cuCtxSynchronize)");
    }

    public String name() {
        return name;
    }

    public int ordinal() {
        return ordinal;
    }

    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    public int l2Bytes() {
        return l2Bytes;
    }

    /** Releases the primary context (the driver destroys it when no one else holds it). Idempotent. */
    @Override
    public void close() {
        if (!open) return;
        open = false;
        CudaDriver.check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease(" + name + ")");
    }

    @Override
    public String toString() {
        return name + " (compute " + computeCapability() + ", " + multiprocessors + " SMs)";
    }
}
