package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.DeviceBuffer;

/**
 * The in-house fp32 GEMM (ak_sgemm_f32), the baseline the low-bit kernels are measured against:
 * C (m × n) = fma(A (m × k) · W (n × k)ᵀ, scale[n], bias[n]), every sum in k order with fma —
 * the arithmetic of an F32 layer, so its results are exact functions of the inputs too.
 */
public final class FloatGemm {
    private FloatGemm() {}

    /** Queues C = A·Wᵀ·scale + bias on the backend's device; all buffers hold floats. */
    public static void launch(CudaBackend backend, int m, int n, int k, DeviceBuffer a, DeviceBuffer w,
                              DeviceBuffer scale, DeviceBuffer bias, DeviceBuffer c) {
        LaunchPlan plan = LaunchPlan.sgemm(m, n, k);
        if ((long) m * k > Integer.MAX_VALUE || (long) n * k > Integer.MAX_VALUE || (long) m * n > Integer.MAX_VALUE)
            throw new IllegalArgumentException(m + "×" + k + "×" + n + " exceeds the kernel's 32-bit indexing");
        requireFloats(a, (long) m * k, "A");
        requireFloats(w, (long) n * k, "W");
        requireFloats(scale, n, "scale");
        requireFloats(bias, n, "bias");
        requireFloats(c, (long) m * n, "C");
        backend.kernels().launch(plan, KernelCalls.sgemm(m, n, k, a.pointer(), w.pointer(), scale.pointer(), bias.pointer(), c.pointer()));
    }

    private static void requireFloats(DeviceBuffer b, long count, String what) {
        if (b.bytes() < 4 * count) throw new IllegalArgumentException(what + " needs " + count + " floats, its buffer holds " + b.bytes() / 4);
    }
}
