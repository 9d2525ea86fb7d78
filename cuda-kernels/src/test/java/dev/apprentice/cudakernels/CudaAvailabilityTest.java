package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.CudaException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Without a GPU (CI), asking for one fails with one sentence, never a page of native traces. */
class CudaAvailabilityTest {

    @Test
    void availableAndTheReasonAgreeAndNeverThrow() {
        boolean available = CudaBackend.available();
        assertEquals(available, CudaBackend.available(), "the probe runs once and is remembered");
        String reason = CudaBackend.unavailableReason();
        assertEquals(available, reason == null, "reason: " + reason);
    }

    @Test
    void creatingABackendWithoutAGpuFailsWithOneClearLine() {
        assumeFalse(CudaBackend.available(), "a GPU is present: CudaBackendGpuTest covers this machine");
        for (int attempt = 0; attempt < 2; attempt++) { // the second attempt must say the same, not "class not initialized"
            CudaException e = assertThrows(CudaException.class, CudaBackend::new);
            String message = e.getMessage();
            assertFalse(message.contains("\n"), "one line, got:\n" + message);
            assertTrue(message.startsWith("no CUDA device") || message.startsWith("CUDA driver") || message.startsWith("CUDA device"), message);
            assertEquals(CudaBackend.unavailableReason(), message);
            assertNull(e.getCause(), "no native cause chained");
        }
    }
}
