// Low-bit convolution / matrix kernels: int32 accumulation of signed weight codes (ternary,
// int4, int8 in GPU layout v1) against unsigned activation codes, then the exact epilogue.
// The per-element work is in the headers (shared with the host build that tests it); these
// kernels only place threads and barriers around it. Entry points (names are part of the
// Java side's contract, see dev.apprentice.cudakernels.KernelId):
//   ak_gemm_{t2,i4,i8}              tiled implicit-GEMM convolution, any geometry
//   ak_gemv_{t2,i4,i8}_m{1,2,4,8,16} dense rows (linear layers) at small batch, MB rows per block
#include "ak_gemm_tiles.h"
#include "ak_gemv_lanes.h"

template <int BITS>
__device__ __forceinline__ void gemm_block(const AkConvShape& s, const uint32_t* w, const uint8_t* in, const AkEpilogue& e) {
    using Tile = ak_gemm::Tile<BITS>;
    __shared__ __align__(16) uint32_t acts[Tile::ACT_WORDS];
    __shared__ __align__(16) uint32_t weights[Tile::WEIGHT_WORDS];
    const int tid = threadIdx.x;
    // pixels on x (up to 2^31 - 1 blocks), channels on y (up to 65535 blocks)
    const int p0 = blockIdx.x * ak_gemm::BM, n0 = blockIdx.y * ak_gemm::BN;
    int acc[ak_gemm::TM][ak_gemm::TN] = {};
    const int tiles = ak_gemm::k_tiles(s);
    for (int t = 0; t < tiles; t++) {
        ak_gemm::load_weights<BITS>(s, w, n0, t, tid, weights);
        ak_gemm::load_acts<BITS>(s, in, p0, t, tid, acts);
        __syncthreads();
        ak_gemm::multiply<BITS>(acts, weights, tid, acc);
        __syncthreads();
    }
    ak_gemm::store(s, e, p0, n0, tid, acc);
}

template <int BITS, int MB>
__device__ __forceinline__ void gemv_block(const AkConvShape& s, const uint32_t* w, const uint8_t* in, const AkEpilogue& e) {
    const int lane = threadIdx.x % 32;
    const int o = blockIdx.x * ak_gemv::WARPS + threadIdx.x / 32;
    if (o >= s.out_c) return; // a whole warp leaves; there is no barrier in this kernel
    const int m0 = blockIdx.y * MB;
    int acc[MB] = {};
    ak_gemv::lane_partial<BITS, MB>(s, w, in, o, m0, lane, acc);
#pragma unroll
    for (int m = 0; m < MB; m++) {
        int total = acc[m];
#pragma unroll
        for (int d = 16; d > 0; d /= 2) total = ak_wrap_add(total, __shfl_xor_sync(0xFFFFFFFFu, total, d));
        if (lane == m && m0 + m < s.pixels) ak_gemv::finish(s, e, o, m0 + m, total);
    }
}

#define AK_LOWBIT_PARAMS                                                                                   \
    AkConvShape s, const uint32_t* __restrict__ w, const uint8_t* __restrict__ in, const float* __restrict__ scale, \
        const float* __restrict__ bias, const void* residual, int residual_bits, void* out, int out_bits

#define AK_EPILOGUE AkEpilogue{scale, bias, residual, residual_bits, out, out_bits}

#define AK_GEMM(NAME, BITS)                                                               \
    extern "C" __global__ void __launch_bounds__(ak_gemm::THREADS) NAME(AK_LOWBIT_PARAMS) { \
        gemm_block<BITS>(s, w, in, AK_EPILOGUE);                                           \
    }

#define AK_GEMV(NAME, BITS, MB)                                                           \
    extern "C" __global__ void __launch_bounds__(ak_gemv::THREADS, ak_gemv::MIN_BLOCKS) NAME(AK_LOWBIT_PARAMS) { \
        gemv_block<BITS, MB>(s, w, in, AK_EPILOGUE);                                       \
    }

AK_GEMM(ak_gemm_t2, 2)
AK_GEMM(ak_gemm_i4, 4)
AK_GEMM(ak_gemm_i8, 8)

AK_GEMV(ak_gemv_t2_m1, 2, 1)
AK_GEMV(ak_gemv_t2_m2, 2, 2)
AK_GEMV(ak_gemv_t2_m4, 2, 4)
AK_GEMV(ak_gemv_t2_m8, 2, 8)
AK_GEMV(ak_gemv_t2_m16, 2, 16)
AK_GEMV(ak_gemv_i4_m1, 4, 1)
AK_GEMV(ak_gemv_i4_m2, 4, 2)
AK_GEMV(ak_gemv_i4_m4, 4, 4)
AK_GEMV(ak_gemv_i4_m8, 4, 8)
AK_GEMV(ak_gemv_i4_m16, 4, 16)
AK_GEMV(ak_gemv_i8_m1, 8, 1)
AK_GEMV(ak_gemv_i8_m2, 8, 2)
AK_GEMV(ak_gemv_i8_m4, 8, 4)
AK_GEMV(ak_gemv_i8_m8, 8, 8)
AK_GEMV(ak_gemv_i8_m16, 8, 16)
