package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.CudaModule;
import dev.apprentice.cudakernels.driver.KernelArgs;

import java.util.EnumMap;
import java.util.Map;

/** The loaded PTX modules of one context, launching a {@link LaunchPlan}. */
public final class Kernels implements AutoCloseable {
    private final Map<PtxModule, CudaModule> modules = new EnumMap<>(PtxModule.class);

    /** Loads (JIT-compiles) every module now, so a broken PTX or driver shows at start-up. */
    public Kernels() {
        try {
            for (PtxModule m : PtxModule.values()) modules.put(m, new CudaModule(m.baseName + ".ptx", PtxResources.ptx(m)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public void launch(LaunchPlan plan, KernelArgs args) {
        modules.get(plan.kernel().module())
                .launch(plan.kernel().entry(), plan.gridX(), plan.gridY(), plan.blockX(), plan.sharedBytes(), args);
    }

    @Override
    public void close() {
        for (CudaModule m : modules.values()) m.close();
        modules.clear();
    }
}
