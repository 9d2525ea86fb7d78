package dev.apprentice.cudakernels;

import dev.apprentice.quant.WeightEncoding;

import java.util.ArrayList;
import java.util.List;

/** A kernel entry point: the module (PTX file) that holds it and its extern "C" name there. */
public record KernelId(PtxModule module, String entry) {

    /** Row counts for which lowbit_kernels.cu instantiates a GEMV kernel (ak_gemv_*_m{rows}). */
    public static final int[] GEMV_ROWS = {1, 2, 4, 8, 16};

    public static final KernelId CONV_F32 = new KernelId(PtxModule.FLOAT, "ak_conv_f32");
    public static final KernelId SGEMM = new KernelId(PtxModule.FLOAT, "ak_sgemm_f32");
    public static final KernelId POOL_LINEAR = new KernelId(PtxModule.FLOAT, "ak_pool_linear");

    /** The tiled implicit-GEMM convolution for weights of this encoding. */
    public static KernelId gemm(WeightEncoding encoding) {
        return new KernelId(PtxModule.LOWBIT, "ak_gemm_" + suffix(encoding));
    }

    /** The GEMV kernel handling `rows` dense rows per block (rows one of {@link #GEMV_ROWS}). */
    public static KernelId gemv(WeightEncoding encoding, int rows) {
        boolean known = false;
        for (int r : GEMV_ROWS) known |= r == rows;
        if (!known) throw new IllegalArgumentException("no GEMV kernel for " + rows + " rows");
        return new KernelId(PtxModule.LOWBIT, "ak_gemv_" + suffix(encoding) + "_m" + rows);
    }

    /** Every entry point the Java side launches (PtxResourcesTest checks each is in its PTX). */
    public static List<KernelId> all() {
        List<KernelId> all = new ArrayList<>(List.of(CONV_F32, SGEMM, POOL_LINEAR));
        for (WeightEncoding e : List.of(WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8)) {
            all.add(gemm(e));
            for (int rows : GEMV_ROWS) all.add(gemv(e, rows));
        }
        return all;
    }

    private static String suffix(WeightEncoding encoding) {
        return switch (encoding) {
            case TERNARY -> "t2";
            case INT4 -> "i4";
            case INT8 -> "i8";
            case F32 -> throw new IllegalArgumentException("F32 layers run ak_conv_f32, not a packed kernel");
        };
    }

    @Override
    public String toString() {
        return entry;
    }
}
