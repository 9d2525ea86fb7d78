// GPU weight layout, version 1 (Java: dev.apprentice.cudakernels.GpuWeightLayout, which re-packs
// the file's rows into it once, at load time).
//
// A row (one output channel) is a run of 32-bit words, padded with zero codes to a multiple of 4
// words (16 bytes) so every row starts 16-byte aligned and can be read with 16-byte loads. A word
// holds PER_WORD = 32 / BITS consecutive codes of the row: code j = 4·g + i of word w is weight
// k = w·PER_WORD + j and sits in bits [8·i + BITS·g, 8·i + BITS·g + BITS). Group g of a word thus
// unpacks to one int32 whose byte i is code 4·g + i as a signed byte — exactly the operand of
// dp4a against four consecutive activation codes — with one shift and one mask, plus one
// multiply for the sign (the file's layout, codes in consecutive bit fields, would first need
// its fields spread out to bytes).
//
// Field values are those of the file: TERNARY 2 bits (00 = 0, 01 = +1, 11 = -1), INT4 4-bit two's
// complement, INT8 one signed byte (for INT8 the layout is the file's, rows padded).
#pragma once

#include "ak_common.h"

#define AK_GPU_LAYOUT_VERSION 1

template <int BITS>
struct AkCodes {
    static_assert(BITS == 2 || BITS == 4 || BITS == 8, "ternary, int4 or int8 weights");
    static const int PER_WORD = 32 / BITS;  // codes per 32-bit word
    static const int GROUPS = PER_WORD / 4; // dp4a operands per word
};

/** Group g of a word (codes 4g .. 4g+3) as four signed bytes. */
template <int BITS>
AK_HD uint32_t ak_unpack_group(uint32_t word, int g);

template <>
AK_HD uint32_t ak_unpack_group<2>(uint32_t word, int g) {
    // byte i = 0, 1 or 3 (00, 01, 11); a set high bit turns 1 into 0xFF = -1
    const uint32_t v = (word >> (2 * g)) & 0x03030303u;
    return v | ((v >> 1) & 0x01010101u) * 0xFCu;
}

template <>
AK_HD uint32_t ak_unpack_group<4>(uint32_t word, int g) {
    // byte i = nibble; a set sign bit (8) extends to 0xF0 | nibble
    const uint32_t v = (word >> (4 * g)) & 0x0F0F0F0Fu;
    return v | (v & 0x08080808u) * 0x1Eu;
}

template <>
AK_HD uint32_t ak_unpack_group<8>(uint32_t word, int) {
    return word;
}
