// The low-bit matrix-vector kernel for a few dense rows (a linear layer at batch 1 .. 16), where
// reading the weights once is all the time there is. One warp per output channel: its 32 lanes
// read the channel's row in 16-byte chunks (a warp reads 512 contiguous bytes per step), each
// lane keeps MB partial sums, a shuffle reduction adds them (exactly: int32), and lane m applies
// the epilogue of row m. This header holds a lane's share and the epilogue; the shuffle is in
// the kernel (the host build adds the 32 partial sums instead).
#pragma once

#include "ak_conv.h"
#include "ak_epilogue.h"
#include "ak_weights.h"

namespace ak_gemv {

const int WARPS = 8; // warps (output channels) per 256-thread block
const int THREADS = 32 * WARPS;
// Blocks an SM must be able to hold (caps registers at 128 a thread): a memory-bound kernel
// needs warps in flight more than it needs the compiler to hoist every activation load.
const int MIN_BLOCKS = 2;

/**
 * Lane `lane`'s partial sums of channel o for dense rows m0 .. m0+MB-1. Rows past P read row P-1
 * instead (valid memory, no branch in the inner loop); their sums are never stored.
 */
template <int BITS, int MB>
AK_HD void lane_partial(const AkConvShape& s, const uint32_t* w, const uint8_t* in, int o, int m0, int lane, int acc[MB]) {
    const int G = AkCodes<BITS>::GROUPS;
    const uint32_t* row = w + o * s.row_words;
    int starts[MB]; // 32-bit offsets, not pointers: half the registers
    AK_UNROLL
    for (int m = 0; m < MB; m++) starts[m] = (m0 + m < s.pixels ? m0 + m : s.pixels - 1) * s.depth;
    const int chunks = s.row_words / 4;
    for (int ch = lane; ch < chunks; ch += 32) {
        const AkWords4 c4 = ak_load_global4(row + 4 * ch);
        const uint32_t words[4] = {c4.x, c4.y, c4.z, c4.w};
        AK_UNROLL
        for (int e = 0; e < 4; e++) {
            AK_UNROLL
            for (int g = 0; g < G; g++) {
                const int k = ((4 * ch + e) * G + g) * 4;
                if (k >= s.depth) break; // zero padding of the row: nothing to add
                const uint32_t q = ak_unpack_group<BITS>(words[e], g);
                AK_UNROLL
                for (int m = 0; m < MB; m++) acc[m] = ak_dot4(q, ak_load_global1(in + starts[m] + k), acc[m]);
            }
        }
    }
}

/** Epilogue of channel o for dense row p, given the warp's total. */
AK_HD void finish(const AkConvShape& s, const AkEpilogue& e, int o, int p, int total) {
    ak_finish(e, float(total), o, ak_output_index(s, p, o));
}

} // namespace ak_gemv
