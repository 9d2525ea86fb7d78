/**
 * The packed low-bit operators on NVIDIA GPUs: {@link dev.apprentice.cudakernels.CudaBackend}
 * implements {@link dev.apprentice.quant.packed.LowBitBackend} with PTX kernels (sources in
 * src/main/cuda, PTX committed under resources, rebuilt by build-ptx.sh) launched through
 * JCuda's driver API ({@link dev.apprentice.cudakernels.driver}). Weights are re-packed once
 * into {@link dev.apprentice.cudakernels.GpuWeightLayout}; {@link dev.apprentice.cudakernels.LaunchPlan}
 * picks kernel and grid per shape. See docs/gpu.md.
 */
package dev.apprentice.cudakernels;
