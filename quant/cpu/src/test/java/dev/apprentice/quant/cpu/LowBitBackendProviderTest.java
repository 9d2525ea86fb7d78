package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.LowBitBackendProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LowBitBackendProviderTest {
    @Test
    void devicesAreFoundOnTheClassPathByName() throws Exception {
        try (LowBitBackend cpu = LowBitBackendProvider.open("cpu")) {
            assertInstanceOf(CpuBackend.class, cpu);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> LowBitBackendProvider.open("tpu"));
        assertEquals("unknown device 'tpu'; this installation has cpu", e.getMessage(), "quant alone has the CPU; cuda-kernels adds cuda");
    }
}
