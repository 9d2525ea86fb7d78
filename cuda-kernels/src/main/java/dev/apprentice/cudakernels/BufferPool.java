package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.CudaException;
import dev.apprentice.cudakernels.driver.DeviceBuffer;
import jcuda.driver.CUresult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Device buffers for activations, recycled by size. cuMemFree waits for the whole device, so
 * freeing a layer's input after launching the next layer would put a host sync between layers;
 * instead a released buffer goes back here and the next activation of its size reuses it. That
 * is safe without any sync because all work runs in order on one stream: every kernel that reads
 * the old contents is queued before any kernel that overwrites them. Memory is returned to the
 * driver when the pool closes, or when an allocation would otherwise fail.
 */
final class BufferPool implements AutoCloseable {
    /** Sizes are rounded up to this, so activations of nearly equal size share buffers. */
    static final long GRANULE = 256;

    private final Map<Long, ArrayDeque<DeviceBuffer>> idle = new HashMap<>();
    private final List<DeviceBuffer> all = new ArrayList<>();

    DeviceBuffer acquire(long bytes) {
        long size = (Math.max(bytes, 1) + GRANULE - 1) / GRANULE * GRANULE;
        ArrayDeque<DeviceBuffer> free = idle.get(size);
        if (free != null && !free.isEmpty()) return free.pop();
        DeviceBuffer b;
        try {
            b = DeviceBuffer.allocate(size);
        } catch (CudaException e) {
            if (e.result != CUresult.CUDA_ERROR_OUT_OF_MEMORY || idleBytes() == 0) throw e;
            trim();
            b = DeviceBuffer.allocate(size);
        }
        all.add(b);
        return b;
    }

    void release(DeviceBuffer b) {
        idle.computeIfAbsent(b.bytes(), s -> new ArrayDeque<>()).push(b);
    }

    /** Bytes held in buffers nobody uses right now. */
    long idleBytes() {
        long sum = 0;
        for (ArrayDeque<DeviceBuffer> q : idle.values()) for (DeviceBuffer b : q) sum += b.bytes();
        return sum;
    }

    /** Buffers allocated and not yet returned to the driver (in use or idle). */
    int allocated() {
        return all.size();
    }

    /** Returns the idle buffers to the driver. */
    void trim() {
        for (ArrayDeque<DeviceBuffer> q : idle.values()) {
            for (DeviceBuffer b : q) {
                all.remove(b);
                b.close();
            }
        }
        idle.clear();
    }

    /** Frees every buffer, idle or not. */
    @Override
    public void close() {
        idle.clear();
        for (DeviceBuffer b : all) b.close();
        all.clear();
    }
}
