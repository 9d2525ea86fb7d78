package dev.apprentice.engine.kernel;

/**
 * Geometry of a 2-D convolution over NCHW input with OIHW weights (no dilation, no groups).
 * Output size per axis is {@code (in + 2·pad − kernel) / stride + 1} (floor, as in PyTorch).
 */
public record ConvGeometry(int batch, int inChannels, int inH, int inW, int outChannels,
                           int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    public ConvGeometry {
        KernelChecks.positive("batch", batch);
        KernelChecks.positive("inChannels", inChannels);
        KernelChecks.positive("inH", inH);
        KernelChecks.positive("inW", inW);
        KernelChecks.positive("outChannels", outChannels);
        KernelChecks.positive("kernelH", kernelH);
        KernelChecks.positive("kernelW", kernelW);
        KernelChecks.positive("strideH", strideH);
        KernelChecks.positive("strideW", strideW);
        KernelChecks.nonNegative("padH", padH);
        KernelChecks.nonNegative("padW", padW);
        if ((long) inH + 2L * padH < kernelH || (long) inW + 2L * padW < kernelW)
            throw new IllegalArgumentException("convolution kernel " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + ((long) inH + 2L * padH) + "x" + ((long) inW + 2L * padW));
        KernelChecks.fitsArray("input", (long) batch * inChannels * inH * inW);
        KernelChecks.fitsArray("weights", (long) outChannels * inChannels * kernelH * kernelW);
        KernelChecks.fitsArray("output", (long) batch * outChannels * outSize(inH, kernelH, strideH, padH) * outSize(inW, kernelW, strideW, padW));
        KernelChecks.fitsArray("im2col buffer", (long) inChannels * kernelH * kernelW * outSize(inH, kernelH, strideH, padH) * outSize(inW, kernelW, strideW, padW));
    }

    /** Square kernel, stride and padding. */
    public static ConvGeometry of(int batch, int inChannels, int inH, int inW, int outChannels, int kernel, int stride, int pad) {
        return new ConvGeometry(batch, inChannels, inH, inW, outChannels, kernel, kernel, stride, stride, pad, pad);
    }

    public int outH() {
        return outSize(inH, kernelH, strideH, padH);
    }

    public int outW() {
        return outSize(inW, kernelW, strideW, padW);
    }

    /** Elements of x: batch·inChannels·inH·inW. */
    public int inputSize() {
        return batch * inChannels * inH * inW;
    }

    /** Elements of w: outChannels·inChannels·kernelH·kernelW. */
    public int weightSize() {
        return outChannels * inChannels * kernelH * kernelW;
    }

    /** Elements of y: batch·outChannels·outH·outW. */
    public int outputSize() {
        return batch * outChannels * outH() * outW();
    }

    /** True when the input itself is the im2col matrix: 1×1 kernel, stride 1, no padding. */
    boolean isPointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    private static int outSize(int in, int kernel, int stride, int pad) {
        return (int) (((long) in + 2L * pad - kernel) / stride + 1);
    }
}
