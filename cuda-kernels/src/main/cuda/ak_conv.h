// A convolution seen as a matrix product (implicit im2col): output pixel p = (b, y, x) of
// P = batch·outH·outW pixels, output channel o of N, depth k = (c·kernel + ki)·kernel + kj of
// K = inC·kernel² (PyTorch's OIHW order, as in the packed file). A linear layer is a 1×1
// convolution over a 1×1 input; its pixels are the batch rows ("dense" when K % 4 == 0: pixel
// p's K inputs are the contiguous, word-aligned bytes in[p·K .. p·K + K)).
#pragma once

#include "ak_common.h"

/**
 * Geometry of one launch, passed to the kernels by value. Java builds it (ConvShape.kernelArgs)
 * as 14 ints in this order; keep both in step.
 */
struct AkConvShape {
    int batch, in_c, in_h, in_w;
    int out_c, out_h, out_w;
    int kernel, stride, pad;
    int depth;     // K = in_c · kernel · kernel
    int pixels;    // P = batch · out_h · out_w
    int row_words; // words per weight row in the GPU layout (0 for float weights)
    int dense;     // 1: kernel 1, no padding, 1×1 input and K % 4 == 0, so pixel p's codes are the
                   // aligned words in[p·K ..); 0: gather through im2col
};

static_assert(sizeof(AkConvShape) == 14 * sizeof(int), "AkConvShape is 14 ints, as Java marshals it");

/** NCHW index of output channel o at pixel p. */
AK_HD int ak_output_index(const AkConvShape& s, int p, int o) {
    const int plane = s.out_h * s.out_w;
    const int b = p / plane;
    return (b * s.out_c + o) * plane + (p - b * plane);
}

/**
 * Walks the im2col column of one output pixel along k, one input element at a time, without a
 * division per step: (c, ki, kj) advance like an odometer.
 */
struct AkIm2col {
    int image;  // offset of the pixel's image: b · in_c · in_h · in_w
    int y0, x0; // top-left input position of the window (may be negative: padding)
    int c, ki, kj;

    /** Starts at depth index k of output pixel p (p < s.pixels). */
    AK_HD AkIm2col(const AkConvShape& s, int p, int k) {
        const int plane = s.out_h * s.out_w;
        const int b = p / plane;
        const int rest = p - b * plane;
        const int y = rest / s.out_w;
        const int x = rest - y * s.out_w;
        image = b * s.in_c * s.in_h * s.in_w;
        y0 = y * s.stride - s.pad;
        x0 = x * s.stride - s.pad;
        const int window = s.kernel * s.kernel;
        c = k / window;
        const int r = k - c * window;
        ki = r / s.kernel;
        kj = r - ki * s.kernel;
    }

    /** Offset of the current element in the input, or -1 where the window hangs over padding or past K. */
    AK_HD int offset(const AkConvShape& s) const {
        const int iy = y0 + ki, ix = x0 + kj;
        if (c >= s.in_c || iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) return -1;
        return image + (c * s.in_h + iy) * s.in_w + ix;
    }

    AK_HD void next(const AkConvShape& s) {
        if (++kj == s.kernel) {
            kj = 0;
            if (++ki == s.kernel) {
                ki = 0;
                ++c;
            }
        }
    }
};

/** Codes k .. k+3 of a dense pixel whose K codes start at row; zero past K (k and K are multiples of 4). */
AK_HD uint32_t ak_dense_word(const uint8_t* row, int k, int depth) {
    return k < depth ? ak_load_global1(row + k) : 0u;
}

/** Codes k .. k+3 of output pixel p gathered through im2col (zeros for padding and past K). */
AK_HD uint32_t ak_gather_word(const AkConvShape& s, const uint8_t* in, AkIm2col& at) {
    uint32_t word = 0;
    AK_UNROLL
    for (int i = 0; i < 4; i++) {
        const int off = at.offset(s);
        if (off >= 0) word |= uint32_t(in[off]) << (8 * i);
        at.next(s);
    }
    return word;
}
