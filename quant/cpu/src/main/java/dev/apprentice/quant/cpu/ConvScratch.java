package dev.apprentice.quant.cpu;

/** Per-thread buffers of the CPU convolutions, grown on demand and reused across layers and calls (no allocation per layer). */
final class ConvScratch {
    private static final ThreadLocal<ConvScratch> LOCAL = ThreadLocal.withInitial(ConvScratch::new);

    private float[] padded = new float[0], sums = new float[0], weights = new float[0], transformed = new float[0], products = new float[0];
    private short[] paddedShorts = new short[0];
    private int[] paddedPairs = new int[0];
    private int[] intSums = new int[0], tapOffsets = new int[0];

    static ConvScratch get() {
        return LOCAL.get();
    }

    /** Zero-padded input rows as floats (see {@link PaddedRows}). */
    float[] padded(int size) {
        return padded.length >= size ? padded : (padded = new float[size]);
    }

    /** Zero-padded input rows of codes as shorts (see {@link PaddedRows#fillShorts}). */
    short[] paddedShorts(int size) {
        return paddedShorts.length >= size ? paddedShorts : (paddedShorts = new short[size]);
    }

    /** Zero-padded input rows of two images' codes as pairs (see {@link PaddedRows#fillPairs}). */
    int[] paddedPairs(int size) {
        return paddedPairs.length >= size ? paddedPairs : (paddedPairs = new int[size]);
    }

    /** A layer's weight codes decoded to floats ({@link dev.apprentice.quant.kernel.TapCodes#decode}), held by the thread that runs the layer. */
    float[] weights(int size) {
        return weights.length >= size ? weights : (weights = new float[size]);
    }

    /** Sums of a block of output pixels, before the epilogue. */
    float[] sums(int size) {
        return sums.length >= size ? sums : (sums = new float[size]);
    }

    /** Int sums of a block: float passes added up exactly. */
    int[] intSums(int size) {
        return intSums.length >= size ? intSums : (intSums = new int[size]);
    }

    /** Winograd's transformed input tiles (V, {@link dev.apprentice.engine.kernel.Winograd#input}). */
    float[] transformed(int size) {
        return transformed.length >= size ? transformed : (transformed = new float[size]);
    }

    /** Winograd's products (M, {@link dev.apprentice.engine.kernel.Winograd#multiply}). */
    float[] products(int size) {
        return products.length >= size ? products : (products = new float[size]);
    }

    int[] tapOffsets(int size) {
        return tapOffsets.length >= size ? tapOffsets : (tapOffsets = new int[size]);
    }
}
