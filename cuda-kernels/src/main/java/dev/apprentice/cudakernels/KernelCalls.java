package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.KernelArgs;
import jcuda.driver.CUdeviceptr;

/**
 * The parameter list of every kernel, built in one place in the order of its CUDA signature
 * (PtxResourcesTest compares each with the .entry declaration in the PTX).
 */
final class KernelCalls {
    private KernelCalls() {}

    /** ak_gemm_* and ak_gemv_*: (AkConvShape, w, in, scale, bias, residual, residual_bits, out, out_bits). */
    static KernelArgs packedConv(ConvShape s, CUdeviceptr weights, CUdeviceptr in, CUdeviceptr scale, CUdeviceptr bias,
                                 CUdeviceptr residual, int residualBits, CUdeviceptr out, int outBits) {
        return new KernelArgs().struct(s.kernelArgs()).pointer(weights).pointer(in).pointer(scale).pointer(bias)
                .pointer(residual).i32(residualBits).pointer(out).i32(outBits);
    }

    /** ak_conv_f32: (AkConvShape, w, in, in_bits, scale, bias, residual, residual_bits, out, out_bits, total). */
    static KernelArgs f32Conv(ConvShape s, CUdeviceptr weights, CUdeviceptr in, int inBits, CUdeviceptr scale, CUdeviceptr bias,
                              CUdeviceptr residual, int residualBits, CUdeviceptr out, int outBits) {
        return new KernelArgs().struct(s.kernelArgs()).pointer(weights).pointer(in).i32(inBits).pointer(scale).pointer(bias)
                .pointer(residual).i32(residualBits).pointer(out).i32(outBits).i32(s.outputSize());
    }

    /** ak_pool_linear: (in, bits, channels, hw, w, scale, bias, classes, logits). */
    static KernelArgs poolLinear(CUdeviceptr in, int bits, int channels, int hw, CUdeviceptr weights, CUdeviceptr scale,
                                 CUdeviceptr bias, int classes, CUdeviceptr logits) {
        return new KernelArgs().pointer(in).i32(bits).i32(channels).i32(hw).pointer(weights).pointer(scale).pointer(bias)
                .i32(classes).pointer(logits);
    }

    /** ak_sgemm_f32: (M, N, K, a, w, scale, bias, c). */
    static KernelArgs sgemm(int m, int n, int k, CUdeviceptr a, CUdeviceptr w, CUdeviceptr scale, CUdeviceptr bias, CUdeviceptr c) {
        return new KernelArgs().i32(m).i32(n).i32(k).pointer(a).pointer(w).pointer(scale).pointer(bias).pointer(c);
    }
}
