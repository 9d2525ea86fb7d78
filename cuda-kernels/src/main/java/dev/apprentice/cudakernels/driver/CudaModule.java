package dev.apprentice.cudakernels.driver;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.HashMap;
import java.util.Map;

/**
 * A loaded PTX module (the driver JIT-compiles it for the current device) and its kernels.
 * Belongs to the context that was current when it was loaded; unloaded by {@link #close()}.
 */
public final class CudaModule implements AutoCloseable {
    private final CUmodule module = new CUmodule();
    private final String name;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private boolean loaded;

    /** Loads PTX text (not NUL-terminated: a terminator is added). */
    public CudaModule(String name, byte[] ptx) {
        this.name = name;
        byte[] image = java.util.Arrays.copyOf(ptx, ptx.length + 1);
        CudaDriver.check(JCudaDriver.cuModuleLoadData(module, image), "loading " + name + " (cuModuleLoadData)");
        loaded = true;
    }

    /** The kernel `entry`; a clear error when the PTX lacks it (out of date with the Java side). */
    public CUfunction function(String entry) {
        if (!loaded) throw new IllegalStateException(name + " is unloaded");
        return functions.computeIfAbsent(entry, e -> {
            CUfunction f = new CUfunction();
            int r = JCudaDriver.cuModuleGetFunction(f, module, e);
            if (r == CUresult.CUDA_ERROR_NOT_FOUND)
                throw new CudaException("kernel " + e + " is missing from " + name + ": regenerate the PTX with cuda-kernels/build-ptx.sh");
            CudaDriver.check(r, "cuModuleGetFunction(" + e + ")");
            return f;
        });
    }

    /**
     * Queues one launch on the default stream and returns at once (errors that happen while the
     * kernel runs surface at the next synchronizing call). Launch-time errors (a grid the device
     * refuses, too many resources) are thrown here, naming the kernel and its grid.
     */
    public void launch(String entry, int gridX, int gridY, int blockX, int sharedBytes, KernelArgs args) {
        CUfunction f = function(entry);
        int r = JCudaDriver.cuLaunchKernel(f, gridX, gridY, 1, blockX, 1, 1, sharedBytes, null, args.toPointer(), null);
        if (r != CUresult.CUDA_SUCCESS)
            throw CudaException.of("launching " + entry + " on a " + gridX + "×" + gridY + " grid of " + blockX + " threads", r);
    }

    @Override
    public void close() {
        if (!loaded) return;
        loaded = false;
        functions.clear();
        CudaDriver.check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload(" + name + ")");
    }
}
