package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.LowBitBackendProvider;

/** The CPU backend (Vector API kernels) as a {@link LowBitBackendProvider}: the device "cpu". */
public final class CpuBackendProvider implements LowBitBackendProvider {
    @Override
    public String device() {
        return "cpu";
    }

    @Override
    public LowBitBackend open() {
        return new CpuBackend();
    }
}
