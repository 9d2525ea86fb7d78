package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;

/**
 * Which code runs each pass of a convolution shape: chosen once per layer shape (the batch size
 * plays no part) and named, so a layer's paths can be read off, logged and tested rather than
 * re-derived from flags at every call. The paths were kept where measured fastest per shape class
 * (docs/benchmarks.md); every other lowering is gone.
 *
 * <ul>
 *   <li>{@link Path#ROW_KERNEL}: 3×3 at stride 1 with at least a vector of input channels (all of a
 *       ResNet's 3×3 layers but the image-fed first one and the down-sampling ones):
 *       {@link FloatRowKernel} over channel-minor padded rows ({@link Conv3x3Rows}); the input
 *       gradient is the same kernel over the flipped weights, when the padding is below 3.</li>
 *   <li>{@link Path#POINTWISE_GEMM}: 1×1, stride 1, no padding: the image is the column matrix.</li>
 *   <li>{@link Path#IM2COL_GEMM}: everything else (strided, other kernel sizes, the first layer):
 *       a compact {@link Im2col} per image and {@link Sgemm}; the input gradient by Wᵀ·dy and col2im.</li>
 *   <li>{@link Path#SCALAR}: where the JVM compiles no vector code, {@link ConvScalar} runs every pass.</li>
 * </ul>
 * The weight gradient has its own choice: {@link WeightPath#TAPS_3X3} ({@link Conv3x3WeightGrad})
 * for 3×3 layers it covers, {@link WeightPath#DOT} ({@link WeightGradDot}) otherwise. Inference over
 * channel-minor activations ({@link #channelsLast}) takes the same row kernel where it applies and
 * {@link FloatTapKernel} ({@link Path#TAP_KERNEL}) elsewhere; a full-precision inference network may
 * take {@link Path#WINOGRAD} ({@link #channelsLastFloat}).
 */
public record ConvPlan(Path forward, Path inputGradient, WeightPath weightGradient) {
    /** How a forward pass or an input gradient runs. */
    public enum Path { ROW_KERNEL, TAP_KERNEL, POINTWISE_GEMM, IM2COL_GEMM, WINOGRAD, SCALAR }

    /** The widest vectors at which full-precision inference takes {@link Winograd} ({@link #channelsLastFloat}). */
    public static final int WINOGRAD_MAX_BITS = 256;

    /** How the weight gradient runs. */
    public enum WeightPath { TAPS_3X3, DOT, SCALAR }

    /** The plan of a shape (the batch size is ignored). */
    public static ConvPlan of(ConvGeometry g) {
        if (!VectorWidth.VECTOR) return new ConvPlan(Path.SCALAR, Path.SCALAR, WeightPath.SCALAR);
        Path forward = Conv3x3Rows.applies(g) ? Path.ROW_KERNEL : g.isPointwise() ? Path.POINTWISE_GEMM : Path.IM2COL_GEMM;
        boolean asConvolution = g.strideH() == 1 && g.strideW() == 1 && g.padH() < g.kernelH() && g.padW() < g.kernelW();
        Path input = g.isPointwise() ? Path.POINTWISE_GEMM
                : asConvolution && Conv3x3Rows.applies(flipped(g)) ? Path.ROW_KERNEL : Path.IM2COL_GEMM;
        return new ConvPlan(forward, input, Conv3x3WeightGrad.applies(g) ? WeightPath.TAPS_3X3 : WeightPath.DOT);
    }

    /**
     * The forward path of a layer over channel-minor (NHWC) activations: the row kernel for 3×3 at stride 1 or 2
     * ({@link FloatRowKernel#row}, {@link FloatRowKernel#rowStrideTwo}), else the tap kernel.
     */
    public static Path channelsLast(int kernel, int stride) {
        return kernel == FloatRowKernel.KERNEL && (stride == 1 || stride == 2) ? Path.ROW_KERNEL : Path.TAP_KERNEL;
    }

    /**
     * The forward path of a full-precision inference layer over channel-minor activations, whose sums may
     * differ from the direct kernels' by rounding: {@link Winograd} for 3×3, stride 1, padding 1 with at
     * least a vector of input channels where vectors are at most {@link #WINOGRAD_MAX_BITS} wide; else
     * {@link #channelsLast}. Measured faster than the row kernel there at every ResNet stage; at 512 bits
     * the row kernel's two tiles run near the FMA peak and the 16-channel stage would lose (docs/benchmarks.md).
     */
    public static Path channelsLastFloat(int kernel, int stride, int padding, int inChannels) {
        boolean winograd = VectorWidth.VECTOR && VectorWidth.FLOATS.vectorBitSize() <= WINOGRAD_MAX_BITS && kernel == FloatRowKernel.KERNEL
                && stride == 1 && padding == 1 && inChannels >= Winograd.LANES;
        return winograd ? Path.WINOGRAD : channelsLast(kernel, stride);
    }

    /**
     * For a stride-1 g with padding below the kernel size: the convolution whose forward pass is g's
     * input gradient, dy (O channels) padded by k − 1 − pad, with the kernel flipped and its channel
     * axes swapped, C outputs.
     */
    static ConvGeometry flipped(ConvGeometry g) {
        int kh = g.kernelH(), kw = g.kernelW();
        return new ConvGeometry(g.batch(), g.outChannels(), g.outH(), g.outW(), g.inChannels(), kh, kw, 1, 1,
                kh - 1 - g.padH(), kw - 1 - g.padW());
    }
}
