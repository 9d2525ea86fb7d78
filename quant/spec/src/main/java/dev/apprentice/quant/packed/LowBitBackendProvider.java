package dev.apprentice.quant.packed;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A device on which packed networks can run, found through {@link ServiceLoader}: the CPU backend
 * in the quant-cpu module, the CUDA backend in cuda-kernels (plug-ins on the class path, which
 * nothing names in code). Listed in META-INF/services/dev.apprentice.quant.packed.LowBitBackendProvider.
 */
public interface LowBitBackendProvider {
    /** The device's name, as users give it: cpu, cuda. */
    String device();

    /** A new backend on this device; where it cannot run, an IllegalStateException saying why in one line. */
    LowBitBackend open();

    /** The backend of the named device, or an IllegalArgumentException naming the devices there are. */
    static LowBitBackend open(String device) {
        List<String> names = new ArrayList<>();
        for (LowBitBackendProvider p : ServiceLoader.load(LowBitBackendProvider.class)) {
            if (p.device().equals(device)) return p.open();
            names.add(p.device());
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; this installation has " + String.join(", ", names));
    }
}
