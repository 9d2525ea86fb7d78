package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.CudaException;
import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.LowBitBackendProvider;

/** The CUDA device for {@link LowBitBackendProvider#open(String)}: "cuda". */
public final class CudaBackendProvider implements LowBitBackendProvider {
    @Override
    public String device() {
        return "cuda";
    }

    /** A CUDA backend; without a usable GPU or driver, an IllegalStateException with the probe's reason. */
    @Override
    public LowBitBackend open() {
        try {
            return new CudaBackend();
        } catch (CudaException | LinkageError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
