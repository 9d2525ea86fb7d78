// Definitions shared by the CUDA kernels (nvcc) and by the host build that tests their
// per-element logic against Java (g++, see src/test/cuda/host_check.cpp). Everything the
// kernels compute per element lives in AK_HD functions, so both builds run the same code.
#pragma once

#include <stdint.h>

#if defined(__CUDACC__)
#define AK_HD __host__ __device__ __forceinline__
#else
// Host build: plain C++. The float helpers below then rely on -ffp-contract=off so that
// a * b + c is never fused behind our back (Java never fuses either).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#define AK_HD inline
#endif

// Fixed-trip loops over a thread's registers must be unrolled, or the registers become an array
// in local memory. (g++ does not know the pragma; the host build does not need it.)
#if defined(__CUDACC__)
#define AK_UNROLL _Pragma("unroll")
#else
#define AK_UNROLL
#endif

// ---- IEEE float arithmetic, spelled out so that no compiler contracts a multiply and an add
// into an fma (nvcc does by default; Java's Epilogue does not). build-ptx.sh also passes
// -fmad=false, but the intrinsics make the intent local and survive a changed flag.

AK_HD float ak_mul(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

AK_HD float ak_add(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}

AK_HD float ak_div(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fdiv_rn(a, b);
#else
    return a / b;
#endif
}

/** Math.fma: one rounding. */
AK_HD float ak_fma(float a, float b, float c) {
    return fmaf(a, b, c);
}

// ---- loads. The device reads 16 or 8 bytes at a time; the host build checks that every such
// read is aligned, so an index bug that would fault (or silently split) on the GPU fails here.

struct AkWords4 {
    uint32_t x, y, z, w;
};

#if !defined(__CUDA_ARCH__)
inline void ak_check_aligned(const void* p, unsigned bytes, const char* what) {
    if (reinterpret_cast<uintptr_t>(p) % bytes != 0) {
        fprintf(stderr, "misaligned %u-byte %s at %p\n", bytes, what, p);
        abort();
    }
}
#endif

/** Four words from global memory (read-only path), 16-byte aligned. */
AK_HD AkWords4 ak_load_global4(const uint32_t* p) {
#if defined(__CUDA_ARCH__)
    const uint4 v = __ldg(reinterpret_cast<const uint4*>(p));
    return AkWords4{v.x, v.y, v.z, v.w};
#else
    ak_check_aligned(p, 16, "global load");
    return AkWords4{p[0], p[1], p[2], p[3]};
#endif
}

/** Two words from global memory (read-only path), 8-byte aligned. */
AK_HD void ak_load_global2(const uint32_t* p, uint32_t& a, uint32_t& b) {
#if defined(__CUDA_ARCH__)
    const uint2 v = __ldg(reinterpret_cast<const uint2*>(p));
    a = v.x;
    b = v.y;
#else
    ak_check_aligned(p, 8, "global load");
    a = p[0];
    b = p[1];
#endif
}

/** One word of four activation codes from global memory, 4-byte aligned. */
AK_HD uint32_t ak_load_global1(const uint8_t* p) {
#if defined(__CUDA_ARCH__)
    return __ldg(reinterpret_cast<const unsigned int*>(p));
#else
    ak_check_aligned(p, 4, "activation word load");
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
#endif
}

/** Four words of shared memory (a tile), 16-byte aligned. */
AK_HD AkWords4 ak_load_tile4(const uint32_t* p) {
#if defined(__CUDA_ARCH__)
    const uint4 v = *reinterpret_cast<const uint4*>(p);
    return AkWords4{v.x, v.y, v.z, v.w};
#else
    ak_check_aligned(p, 16, "tile load");
    return AkWords4{p[0], p[1], p[2], p[3]};
#endif
}

/** Four floats of shared memory (a tile), 16-byte aligned. */
AK_HD void ak_load_tile4f(const float* p, float v[4]) {
#if defined(__CUDA_ARCH__)
    const float4 q = *reinterpret_cast<const float4*>(p);
    v[0] = q.x;
    v[1] = q.y;
    v[2] = q.z;
    v[3] = q.w;
#else
    ak_check_aligned(p, 16, "tile load");
    for (int i = 0; i < 4; i++) v[i] = p[i];
#endif
}

/** Four floats of global memory, 16-byte aligned. */
AK_HD void ak_load_global4f(const float* p, float v[4]) {
#if defined(__CUDA_ARCH__)
    const float4 q = __ldg(reinterpret_cast<const float4*>(p));
    v[0] = q.x;
    v[1] = q.y;
    v[2] = q.z;
    v[3] = q.w;
#else
    ak_check_aligned(p, 16, "global load");
    for (int i = 0; i < 4; i++) v[i] = p[i];
#endif
}

/**
 * acc + Σ_i w_i · u_i over the four bytes of each word: w holds signed codes, u unsigned
 * activation codes. On the GPU one dp4a instruction (signed × unsigned form). Integer sums
 * wrap modulo 2^32 like Java's int, so they are exact and independent of summation order.
 */
AK_HD int ak_dot4(uint32_t w, uint32_t u, int acc) {
#if defined(__CUDA_ARCH__)
    int d;
    asm("dp4a.s32.u32 %0, %1, %2, %3;" : "=r"(d) : "r"(w), "r"(u), "r"(acc));
    return d;
#else
    uint32_t sum = uint32_t(acc);
    for (int i = 0; i < 4; i++) {
        const int q = int8_t(uint8_t(w >> (8 * i)));
        const uint32_t a = (u >> (8 * i)) & 0xFFu;
        sum += uint32_t(q) * a;
    }
    return int(sum);
#endif
}

/** a + b modulo 2^32 (C++ leaves signed overflow undefined; Java and the GPU wrap). */
AK_HD int ak_wrap_add(int a, int b) {
    return int(uint32_t(a) + uint32_t(b));
}
