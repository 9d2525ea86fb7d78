// Float paths: the direct convolution of F32 layers (the image-fed stem, full-precision ends),
// the tiled fp32 GEMM used as the in-house baseline, and global average pooling + classifier.
// Float sums run in index order from 0 with fma (Epilogue's rule), so each output is one
// thread's sequential loop; tiling only changes who loads what, never the order of a sum.
#pragma once

#include "ak_conv.h"
#include "ak_epilogue.h"

/**
 * Output idx (NCHW) of an F32 layer: acc = fma(w[o][k], x[k], acc) over k in order, skipping the
 * window's padding like ReferenceBackend (so a padded tap contributes nothing, not w · 0).
 * Input: floats (in_bits == 0) or codes dequantized as code · (1f / levels).
 */
AK_HD void ak_conv_f32_output(const AkConvShape& s, const float* w, const void* in, int in_bits, const AkEpilogue& e, int idx) {
    const int plane = s.out_h * s.out_w;
    const int bo = idx / plane;
    const int rest = idx - bo * plane;
    const int b = bo / s.out_c, o = bo - b * s.out_c;
    const int y = rest / s.out_w, x = rest - y * s.out_w;
    const float step = in_bits > 0 ? ak_code_step(in_bits) : 0.0f;
    const float* wo = w + o * s.depth;
    float acc = 0.0f;
    int k = 0;
    for (int c = 0; c < s.in_c; c++) {
        for (int ki = 0; ki < s.kernel; ki++) {
            for (int kj = 0; kj < s.kernel; kj++, k++) {
                const int iy = y * s.stride - s.pad + ki, ix = x * s.stride - s.pad + kj;
                if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;
                const int at = ((b * s.in_c + c) * s.in_h + iy) * s.in_w + ix;
                const float v = in_bits > 0 ? ak_dequantize(static_cast<const uint8_t*>(in)[at], step)
                                            : static_cast<const float*>(in)[at];
                acc = ak_fma(wo[k], v, acc);
            }
        }
    }
    ak_finish(e, acc, o, idx);
}

namespace ak_sgemm {

// C[m][n] = fma(Σ_k A[m][k] · W[n][k], scale[n], bias[n]): A is M × K (rows: batch), W is N × K
// (rows: output channels, like a layer's weights). 64 × 64 block tile, 256 threads of 4 × 4,
// K in tiles of 16 staged k-major in shared memory.
const int BM = 64, BN = 64, BK = 16, THREADS = 256, TM = 4, TN = 4;

/** Four consecutive values of row r (k .. k+3) of a rows × K matrix; zeros outside. */
AK_HD void load_row4(const float* a, int rows, int depth, int r, int k, float v[4]) {
    if (r < rows && depth % 4 == 0 && k < depth) {
        ak_load_global4f(a + r * depth + k, v); // r·K and k are multiples of 4: aligned
        return;
    }
    AK_UNROLL
    for (int i = 0; i < 4; i++) v[i] = (r < rows && k + i < depth) ? a[r * depth + k + i] : 0.0f;
}

/** Stages K tile t: thread tid loads 4 values of A row tid/4 and of W row tid/4. */
AK_HD void load(int M, int N, int K, const float* a, const float* w, int m0, int n0, int t, int tid, float* as, float* ws) {
    const int r = tid / 4, kq = (tid % 4) * 4;
    float v[4];
    load_row4(a, M, K, m0 + r, t * BK + kq, v);
    AK_UNROLL
    for (int i = 0; i < 4; i++) as[(kq + i) * BM + r] = v[i];
    load_row4(w, N, K, n0 + r, t * BK + kq, v);
    AK_UNROLL
    for (int i = 0; i < 4; i++) ws[(kq + i) * BN + r] = v[i];
}

/**
 * One fma per k per output, k ascending. Past K both operands are 0 and fma(0, 0, acc) == acc
 * for every acc this sum can reach (it starts at +0 and an exact-zero sum rounds to +0, so acc
 * is never -0): the padded tail changes no bits.
 */
AK_HD void multiply(const float* as, const float* ws, int tid, float acc[TM][TN]) {
    const int ty = tid / 16, tx = tid % 16;
    AK_UNROLL
    for (int k = 0; k < BK; k++) {
        float a[TM], q[TN];
        ak_load_tile4f(as + k * BM + ty * TM, a);
        ak_load_tile4f(ws + k * BN + tx * TN, q);
        AK_UNROLL
        for (int i = 0; i < TM; i++)
            AK_UNROLL
            for (int j = 0; j < TN; j++) acc[i][j] = ak_fma(a[i], q[j], acc[i][j]);
    }
}

AK_HD void store(int M, int N, const float* scale, const float* bias, float* c, int m0, int n0, int tid, const float acc[TM][TN]) {
    const int ty = tid / 16, tx = tid % 16;
    AK_UNROLL
    for (int i = 0; i < TM; i++) {
        const int m = m0 + ty * TM + i;
        if (m >= M) continue;
        AK_UNROLL
        for (int j = 0; j < TN; j++) {
            const int n = n0 + tx * TN + j;
            if (n < N) c[m * N + n] = ak_fma(acc[i][j], scale[n], bias[n]);
        }
    }
}

} // namespace ak_sgemm

namespace ak_pool {

const int THREADS = 256;

/**
 * Global average of channel c of image b: codes summed as int, then (float) sum / (float)
 * (levels · H · W); floats summed in index order, then / (H · W).
 */
AK_HD float channel_mean(const void* in, int bits, int channels, int hw, int b, int c) {
    const int base = (b * channels + c) * hw;
    if (bits > 0) {
        const uint8_t* x = static_cast<const uint8_t*>(in) + base;
        int sum = 0;
        for (int j = 0; j < hw; j++) sum = ak_wrap_add(sum, x[j]);
        return ak_div(float(sum), float(((1 << bits) - 1) * hw));
    }
    const float* x = static_cast<const float*>(in) + base;
    float sum = 0.0f;
    for (int j = 0; j < hw; j++) sum = ak_add(sum, x[j]);
    return ak_div(sum, float(hw));
}

/** Logit o: fma over the pooled channels in order from 0, then fma(acc, scale, bias). */
AK_HD float logit(const float* pooled, const float* w, int channels, int o, float scale, float bias) {
    float acc = 0.0f;
    for (int c = 0; c < channels; c++) acc = ak_fma(w[o * channels + c], pooled[c], acc);
    return ak_fma(acc, scale, bias);
}

} // namespace ak_pool
