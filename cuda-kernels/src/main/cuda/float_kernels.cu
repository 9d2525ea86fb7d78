// Float kernels (per-element work in ak_float.h, shared with the host build):
//   ak_conv_f32     direct convolution of an F32 layer, one thread per output element
//   ak_sgemm_f32    tiled fp32 GEMM with a per-column scale and bias: the in-house baseline
//   ak_pool_linear  global average pooling + F32 classifier, one block per image
#include "ak_float.h"

extern "C" __global__ void __launch_bounds__(256)
ak_conv_f32(AkConvShape s, const float* __restrict__ w, const void* in, int in_bits, const float* __restrict__ scale,
            const float* __restrict__ bias, const void* residual, int residual_bits, void* out, int out_bits, int total) {
    const int idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    ak_conv_f32_output(s, w, in, in_bits, AkEpilogue{scale, bias, residual, residual_bits, out, out_bits}, idx);
}

extern "C" __global__ void __launch_bounds__(ak_sgemm::THREADS)
ak_sgemm_f32(int M, int N, int K, const float* __restrict__ a, const float* __restrict__ w, const float* __restrict__ scale,
         const float* __restrict__ bias, float* __restrict__ c) {
    __shared__ __align__(16) float as[ak_sgemm::BK * ak_sgemm::BM];
    __shared__ __align__(16) float ws[ak_sgemm::BK * ak_sgemm::BN];
    const int tid = threadIdx.x;
    const int m0 = blockIdx.x * ak_sgemm::BM, n0 = blockIdx.y * ak_sgemm::BN;
    float acc[ak_sgemm::TM][ak_sgemm::TN] = {};
    const int tiles = (K + ak_sgemm::BK - 1) / ak_sgemm::BK;
    for (int t = 0; t < tiles; t++) {
        ak_sgemm::load(M, N, K, a, w, m0, n0, t, tid, as, ws);
        __syncthreads();
        ak_sgemm::multiply(as, ws, tid, acc);
        __syncthreads();
    }
    ak_sgemm::store(M, N, scale, bias, c, m0, n0, tid, acc);
}

extern "C" __global__ void __launch_bounds__(ak_pool::THREADS)
ak_pool_linear(const void* in, int bits, int channels, int hw, const float* __restrict__ w, const float* __restrict__ scale,
               const float* __restrict__ bias, int classes, float* __restrict__ logits) {
    extern __shared__ float pooled[]; // channels floats
    const int b = blockIdx.x;
    for (int c = threadIdx.x; c < channels; c += blockDim.x) pooled[c] = ak_pool::channel_mean(in, bits, channels, hw, b, c);
    __syncthreads();
    for (int o = threadIdx.x; o < classes; o += blockDim.x)
        logits[b * classes + o] = ak_pool::logit(pooled, w, channels, o, scale[o], bias[o]);
}
