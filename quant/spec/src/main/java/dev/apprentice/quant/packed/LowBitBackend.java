package dev.apprentice.quant.packed;

/**
 * The operators a packed network runs on: implemented by the CPU (Vector API) in this module and
 * by CUDA in cuda-kernels, so a packed model picks its device at run time with no change to the
 * network code. Activations stay on the backend between layers (a GPU backend launches a whole
 * network without a host sync); only {@link #poolLinear} returns data to the host.
 *
 * <p>Results are exact functions of the inputs (integer accumulation, then {@link Epilogue}):
 * every backend returns bit-identical codes and logits for the same network and input.
 */
public interface LowBitBackend extends AutoCloseable {

    /** A batch of activations held by the backend, NCHW: floats (bits = 0) or k-bit codes. */
    interface Activations {
        int batch();
        int channels();
        int height();
        int width();
        int bits();
    }

    /** A layer whose weights the backend has re-packed once into the order its kernels read. */
    interface Layer {
        PackedConv source();
    }

    String name();

    Layer prepare(PackedConv conv);

    Activations upload(float[] nchw, int batch, int channels, int height, int width);

    /**
     * One convolution and its epilogue: y = Epilogue.scale(acc, outScale, outBias), plus the
     * residual (same shape as the output; dequantized if it holds codes) when not null; then
     * codes with outBits bits when outBits > 0, else floats. The input must be floats for an F32
     * layer fed by the image, else codes with the layer's inBits.
     */
    Activations conv(Activations input, Layer layer, Activations residual, int outBits);

    /**
     * Global average pooling, then the classifier (an F32 layer with kernel 1): logits, batch ×
     * classes, on the host. Pooled value of channel c: codes summed as int, then
     * (float) sum / (float) (levels · H · W); floats summed in index order, then / (H · W).
     */
    float[] poolLinear(Activations input, Layer classifier);

    /**
     * Whether a network may run a batch as independent image tasks on the engine's threads, each
     * calling this backend for its own images ({@link ImageTasks}: the CPU); a device backend takes
     * the batch whole.
     */
    default boolean splitsByImage() {
        return false;
    }

    /** Frees an activation buffer now (backends also free everything on close). */
    void free(Activations activations);

    @Override
    void close();
}
