// The tiled low-bit convolution (implicit GEMM), split into the phases one thread runs between
// two barriers, so the host build can run a whole block phase by phase (all threads load, then
// all threads multiply, ...) and check the tiling against Java without a GPU.
//
// A block computes a 64-pixel × 64-channel output tile with 256 threads, each a 4 × 4 micro-tile
// of int32 accumulators. K is walked in tiles of TILE_WORDS weight words per channel (32 bytes
// of packed weights: 128 ternary, 64 int4 or 32 int8 codes). Per K tile the block stages in
// shared memory, k-group-major so that the inner loop reads 16-byte vectors:
//   acts[kg][p]    4 activation codes (k = 4·kg .. 4·kg + 3) of tile pixel p
//   weights[kg][o] the same 4 weight codes of tile channel o, unpacked to signed bytes
// then every thread does KG × 16 dp4a.
#pragma once

#include "ak_conv.h"
#include "ak_epilogue.h"
#include "ak_weights.h"

namespace ak_gemm {

const int BM = 64;          // pixels per block tile
const int BN = 64;          // channels per block tile
const int THREADS = 256;
const int TM = 4, TN = 4;   // micro-tile per thread
const int TILE_WORDS = 8;   // weight words per channel per K tile

template <int BITS>
struct Tile {
    static const int KG = TILE_WORDS * AkCodes<BITS>::GROUPS; // 4-code groups per K tile
    static const int ACT_WORDS = KG * BM;                     // shared words of acts
    static const int WEIGHT_WORDS = KG * BN;                  // shared words of weights
};

/** Number of K tiles of a layer. */
AK_HD int k_tiles(const AkConvShape& s) {
    return (s.row_words + TILE_WORDS - 1) / TILE_WORDS;
}

/**
 * Stages K tile t of channels n0 .. n0+63: each thread reads 2 words (8 bytes) of one row, four
 * threads a row's 32 contiguous bytes. Rows past N and words past the row (the last tile may be
 * half) become zero codes.
 */
template <int BITS>
AK_HD void load_weights(const AkConvShape& s, const uint32_t* w, int n0, int t, int tid, uint32_t* tile) {
    const int row = tid / 4, pair = tid % 4;
    const int o = n0 + row;
    const int word = t * TILE_WORDS + 2 * pair;
    uint32_t w0 = 0, w1 = 0;
    if (o < s.out_c && word < s.row_words) ak_load_global2(w + o * s.row_words + word, w0, w1);
    const int G = AkCodes<BITS>::GROUPS;
    AK_UNROLL
    for (int g = 0; g < G; g++) {
        tile[((2 * pair) * G + g) * BN + row] = ak_unpack_group<BITS>(w0, g);
        tile[((2 * pair + 1) * G + g) * BN + row] = ak_unpack_group<BITS>(w1, g);
    }
}

/**
 * Stages the activation codes of K tile t for pixels p0 .. p0+63: thread tid fills pixel tid % 64,
 * k groups (tid / 64)·KG/4 .. +KG/4, gathering through im2col (or reading words for dense rows).
 */
template <int BITS>
AK_HD void load_acts(const AkConvShape& s, const uint8_t* in, int p0, int t, int tid, uint32_t* tile) {
    const int KG = Tile<BITS>::KG;
    const int PER_THREAD = KG / 4;
    const int pl = tid % BM;
    const int g0 = (tid / BM) * PER_THREAD;
    const int p = p0 + pl;
    if (p >= s.pixels) {
        AK_UNROLL
        for (int j = 0; j < PER_THREAD; j++) tile[(g0 + j) * BM + pl] = 0u;
        return;
    }
    const int k0 = (t * KG + g0) * 4;
    if (s.dense) {
        const uint8_t* row = in + p * s.depth;
        AK_UNROLL
        for (int j = 0; j < PER_THREAD; j++) tile[(g0 + j) * BM + pl] = ak_dense_word(row, k0 + 4 * j, s.depth);
    } else {
        AkIm2col at(s, p, k0);
        AK_UNROLL
        for (int j = 0; j < PER_THREAD; j++) tile[(g0 + j) * BM + pl] = ak_gather_word(s, in, at);
    }
}

/** acc[i][j] += dot(pixel ty·4+i, channel tx·4+j) over the staged K tile. */
template <int BITS>
AK_HD void multiply(const uint32_t* acts, const uint32_t* weights, int tid, int acc[TM][TN]) {
    const int ty = tid / 16, tx = tid % 16;
    AK_UNROLL
    for (int kg = 0; kg < Tile<BITS>::KG; kg++) {
        const AkWords4 a4 = ak_load_tile4(acts + kg * BM + ty * TM);
        const AkWords4 w4 = ak_load_tile4(weights + kg * BN + tx * TN);
        const uint32_t a[TM] = {a4.x, a4.y, a4.z, a4.w};
        const uint32_t q[TN] = {w4.x, w4.y, w4.z, w4.w};
        AK_UNROLL
        for (int i = 0; i < TM; i++)
            AK_UNROLL
            for (int j = 0; j < TN; j++) acc[i][j] = ak_dot4(q[j], a[i], acc[i][j]);
    }
}

/** Epilogue and store of the thread's micro-tile (outputs past P or N are skipped). */
AK_HD void store(const AkConvShape& s, const AkEpilogue& e, int p0, int n0, int tid, const int acc[TM][TN]) {
    const int ty = tid / 16, tx = tid % 16;
    AK_UNROLL
    for (int i = 0; i < TM; i++) {
        const int p = p0 + ty * TM + i;
        if (p >= s.pixels) continue;
        AK_UNROLL
        for (int j = 0; j < TN; j++) {
            const int o = n0 + tx * TN + j;
            if (o < s.out_c) ak_finish(e, float(acc[i][j]), o, ak_output_index(s, p, o));
        }
    }
}

} // namespace ak_gemm
