// The arithmetic after a layer's accumulation, exactly as dev.apprentice.quant.packed.Epilogue
// specifies it (Math.fma, Math.rint, Math.min/max), so the GPU produces the same bits as Java:
//   y    = fma((float) acc, scale[o], bias[o])
//   y    = y + residual                      (a code residual is code · (1f / levels))
//   code = (int) rint(min(max(y, 0), 1) · levels)
#pragma once

#include "ak_common.h"

/** 1f / levels, the step between two activation codes (computed like Java: one float division). */
AK_HD float ak_code_step(int bits) {
    return ak_div(1.0f, float((1 << bits) - 1));
}

/** Epilogue.dequantize: code · (1f / levels). */
AK_HD float ak_dequantize(int code, float step) {
    return ak_mul(float(code), step);
}

/**
 * Epilogue.quantize. fmaxf/fminf differ from Math.max/min only for NaN (they drop it) and for
 * the sign of zero; both end in code 0 either way, as Java's (int) NaN and (int) -0f do.
 */
AK_HD int ak_quantize(float y, int levels) {
    const float clamped = fminf(fmaxf(y, 0.0f), 1.0f);
    return int(rintf(ak_mul(clamped, float(levels))));
}

/**
 * Where a layer's result goes: codes (out_bits > 0, one byte each) or floats (out_bits == 0), plus
 * an optional residual of the output's shape (residual_bits < 0: none; 0: floats; > 0: codes).
 */
struct AkEpilogue {
    const float* scale;
    const float* bias;
    const void* residual;
    int residual_bits;
    void* out;
    int out_bits;
};

/** Applies the epilogue to one accumulator of output channel o and stores it at NCHW index idx. */
AK_HD void ak_finish(const AkEpilogue& e, float acc, int o, int idx) {
    float y = ak_fma(acc, e.scale[o], e.bias[o]);
    if (e.residual_bits == 0) {
        y = ak_add(y, static_cast<const float*>(e.residual)[idx]);
    } else if (e.residual_bits > 0) {
        const int code = static_cast<const uint8_t*>(e.residual)[idx];
        y = ak_add(y, ak_dequantize(code, ak_code_step(e.residual_bits)));
    }
    if (e.out_bits > 0) {
        static_cast<uint8_t*>(e.out)[idx] = uint8_t(ak_quantize(y, (1 << e.out_bits) - 1));
    } else {
        static_cast<float*>(e.out)[idx] = y;
    }
}
