package dev.apprentice.cudakernels.driver;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * One allocation of device memory, freed by {@link #close()} (deterministically, not by the
 * garbage collector). Copies to and from the host are synchronous; they are ordered after all
 * work queued before them, so a download also waits for the kernels that write the buffer.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final CUdeviceptr pointer = new CUdeviceptr();
    private final long bytes;
    private boolean freed;

    private DeviceBuffer(long bytes) {
        this.bytes = bytes;
    }

    /** cuMemAlloc of `bytes` (at least 1); the driver aligns every allocation to 256 bytes. */
    public static DeviceBuffer allocate(long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("cannot allocate " + bytes + " bytes of device memory");
        DeviceBuffer b = new DeviceBuffer(bytes);
        CudaDriver.check(JCudaDriver.cuMemAlloc(b.pointer, bytes), "cuMemAlloc(" + describe(bytes) + ")");
        return b;
    }

    public static DeviceBuffer of(float[] values) {
        DeviceBuffer b = allocate(4L * values.length);
        b.upload(Pointer.to(values), 4L * values.length);
        return b;
    }

    public static DeviceBuffer of(int[] values) {
        DeviceBuffer b = allocate(4L * values.length);
        b.upload(Pointer.to(values), 4L * values.length);
        return b;
    }

    public static DeviceBuffer of(byte[] values) {
        DeviceBuffer b = allocate(values.length);
        b.upload(Pointer.to(values), values.length);
        return b;
    }

    public CUdeviceptr pointer() {
        if (freed) throw new IllegalStateException("device buffer of " + describe(bytes) + " used after it was freed");
        return pointer;
    }

    public long bytes() {
        return bytes;
    }

    public boolean isFreed() {
        return freed;
    }

    public void copyFrom(float[] values) {
        upload(Pointer.to(values), 4L * values.length);
    }

    public void copyFrom(byte[] values) {
        upload(Pointer.to(values), values.length);
    }

    public void copyTo(float[] values) {
        download(Pointer.to(values), 4L * values.length);
    }

    public void copyTo(byte[] values) {
        download(Pointer.to(values), values.length);
    }

    public void copyTo(int[] values) {
        download(Pointer.to(values), 4L * values.length);
    }

    /** Queues a device-to-device copy of `count` bytes on the default stream (ordered with kernels). */
    public static void copy(DeviceBuffer from, DeviceBuffer to, long count) {
        from.checkFits(count);
        to.checkFits(count);
        CudaDriver.check(JCudaDriver.cuMemcpyDtoDAsync(to.pointer(), from.pointer(), count, null), "cuMemcpyDtoDAsync(" + describe(count) + ")");
    }

    private void upload(Pointer host, long count) {
        checkFits(count);
        CudaDriver.check(JCudaDriver.cuMemcpyHtoD(pointer(), host, count), "cuMemcpyHtoD(" + describe(count) + ")");
    }

    private void download(Pointer host, long count) {
        checkFits(count);
        // the copy waits for queued kernels: an error it reports may be theirs
        CudaDriver.check(JCudaDriver.cuMemcpyDtoH(host, pointer(), count), "copying " + describe(count) + " back to the host (or a kernel queued before it)");
    }

    private void checkFits(long count) {
        if (count > bytes) throw new IllegalArgumentException(describe(count) + " do not fit a device buffer of " + describe(bytes));
    }

    /** cuMemFree; idempotent. */
    @Override
    public void close() {
        if (freed) return;
        freed = true;
        CudaDriver.check(JCudaDriver.cuMemFree(pointer), "cuMemFree(" + describe(bytes) + ")");
    }

    static String describe(long bytes) {
        if (bytes >= 1 << 20) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        return bytes + " bytes";
    }
}
