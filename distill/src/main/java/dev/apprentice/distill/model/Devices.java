package dev.apprentice.distill.model;

import dev.apprentice.cudakernels.CudaBackend;
import dev.apprentice.quant.packed.LowBitBackend;

/** The GPU backend: our PTX kernels through JCuda, or one clear message where there is no GPU. */
final class Devices {
    private Devices() {}

    static LowBitBackend cuda() {
        try {
            return new CudaBackend();
        } catch (dev.apprentice.cudakernels.driver.CudaException | LinkageError e) {
            throw new IllegalArgumentException("--device cuda: " + e.getMessage());
        }
    }
}
