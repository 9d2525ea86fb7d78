package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.DeviceBuffer;
import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;

/**
 * A layer's parameters in device memory: packed weights re-packed into {@link GpuWeightLayout}
 * (or F32 weights as they are), and the epilogue's per-channel scale and bias.
 */
final class CudaLayer implements LowBitBackend.Layer, AutoCloseable {
    final CudaBackend owner;
    private final PackedConv source;
    final DeviceBuffer weights, scale, bias;
    /** The GPU layout version of {@link #weights} (0 for F32 weights, which are not re-packed). */
    final int layoutVersion;

    private CudaLayer(CudaBackend owner, PackedConv source, DeviceBuffer weights, DeviceBuffer scale, DeviceBuffer bias, int layoutVersion) {
        this.owner = owner;
        this.source = source;
        this.weights = weights;
        this.scale = scale;
        this.bias = bias;
        this.layoutVersion = layoutVersion;
    }

    /** Re-packs and uploads; frees what it uploaded if a later step fails. */
    static CudaLayer upload(CudaBackend owner, PackedConv c) {
        boolean packed = c.encoding() != WeightEncoding.F32;
        if (packed && (long) c.outChannels() * GpuWeightLayout.rowWords(c.encoding(), c.depth()) > Integer.MAX_VALUE)
            throw new IllegalArgumentException(c.name() + ": too many weights for the CUDA kernels' 32-bit indexing");
        int[] words;
        try {
            words = packed ? GpuWeightLayout.repack(c.encoding(), c.codes(), c.outChannels(), c.depth()) : null;
        } catch (IllegalArgumentException damaged) {
            throw new IllegalArgumentException(c.name() + ": " + damaged.getMessage(), damaged);
        }
        DeviceBuffer w = null, s = null;
        try {
            w = packed ? DeviceBuffer.of(words) : DeviceBuffer.of(c.weights());
            s = DeviceBuffer.of(c.outScale());
            DeviceBuffer b = DeviceBuffer.of(c.outBias());
            return new CudaLayer(owner, c, w, s, b, packed ? GpuWeightLayout.VERSION : 0);
        } catch (RuntimeException e) {
            if (w != null) w.close();
            if (s != null) s.close();
            throw e;
        }
    }

    @Override
    public PackedConv source() {
        return source;
    }

    @Override
    public void close() {
        weights.close();
        scale.close();
        bias.close();
    }
}
