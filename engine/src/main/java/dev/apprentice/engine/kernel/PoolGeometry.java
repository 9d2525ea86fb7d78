package dev.apprentice.engine.kernel;

/**
 * Geometry of 2-D pooling over NCHW input, floor output size {@code (in + 2·pad − kernel) / stride + 1}.
 * As in PyTorch, padding may be at most half the kernel, so every window holds at least one
 * real input element (max pooling never returns padding, average pooling never divides an
 * all-padding window).
 */
public record PoolGeometry(int batch, int channels, int inH, int inW, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW) {

    public PoolGeometry {
        KernelChecks.positive("batch", batch);
        KernelChecks.positive("channels", channels);
        KernelChecks.positive("inH", inH);
        KernelChecks.positive("inW", inW);
        KernelChecks.positive("kernelH", kernelH);
        KernelChecks.positive("kernelW", kernelW);
        KernelChecks.positive("strideH", strideH);
        KernelChecks.positive("strideW", strideW);
        KernelChecks.nonNegative("padH", padH);
        KernelChecks.nonNegative("padW", padW);
        if (2L * padH > kernelH || 2L * padW > kernelW)
            throw new IllegalArgumentException("pooling padding " + padH + "x" + padW
                    + " must be at most half the kernel " + kernelH + "x" + kernelW);
        if ((long) inH + 2L * padH < kernelH || (long) inW + 2L * padW < kernelW)
            throw new IllegalArgumentException("pooling kernel " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + ((long) inH + 2L * padH) + "x" + ((long) inW + 2L * padW));
        KernelChecks.fitsArray("input", (long) batch * channels * inH * inW);
    }

    /** Square kernel, stride and padding. */
    public static PoolGeometry of(int batch, int channels, int inH, int inW, int kernel, int stride, int pad) {
        return new PoolGeometry(batch, channels, inH, inW, kernel, kernel, stride, stride, pad, pad);
    }

    public int outH() {
        return (inH + 2 * padH - kernelH) / strideH + 1;
    }

    public int outW() {
        return (inW + 2 * padW - kernelW) / strideW + 1;
    }

    /** Elements of x: batch·channels·inH·inW. */
    public int inputSize() {
        return batch * channels * inH * inW;
    }

    /** Elements of y: batch·channels·outH·outW. */
    public int outputSize() {
        return batch * channels * outH() * outW();
    }
}
