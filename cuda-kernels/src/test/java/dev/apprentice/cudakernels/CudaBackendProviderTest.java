package dev.apprentice.cudakernels;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.LowBitBackendProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The CUDA backend is registered as the "cuda" device: a CudaBackend where a GPU answers, else the probe's reason. */
class CudaBackendProviderTest {
    @Test
    void cudaIsADeviceOnTheClassPath() throws Exception {
        if (CudaBackend.available()) {
            try (LowBitBackend b = LowBitBackendProvider.open("cuda")) {
                assertInstanceOf(CudaBackend.class, b);
            }
        } else {
            var e = assertThrows(IllegalStateException.class, () -> LowBitBackendProvider.open("cuda"));
            assertEquals(CudaBackend.unavailableReason(), e.getMessage());
        }
    }
}
