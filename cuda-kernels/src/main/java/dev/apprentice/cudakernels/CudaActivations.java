package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.DeviceBuffer;
import dev.apprentice.quant.packed.LowBitBackend;

/** A batch of NCHW activations in device memory: floats (bits = 0) or one byte per k-bit code. */
final class CudaActivations implements LowBitBackend.Activations {
    final CudaBackend owner;
    private final DeviceBuffer buffer;
    private final int batch, channels, height, width, bits;
    private boolean freed;

    CudaActivations(CudaBackend owner, DeviceBuffer buffer, int batch, int channels, int height, int width, int bits) {
        this.owner = owner;
        this.buffer = buffer;
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.bits = bits;
    }

    DeviceBuffer buffer() {
        if (freed) throw new IllegalStateException("activations " + this + " were already freed");
        return buffer;
    }

    /** Marks the activations freed and hands back their buffer (once). */
    DeviceBuffer release() {
        DeviceBuffer b = buffer();
        freed = true;
        return b;
    }

    int elements() {
        return batch * channels * height * width;
    }

    @Override public int batch() { return batch; }
    @Override public int channels() { return channels; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }
    @Override public int bits() { return bits; }

    @Override
    public String toString() {
        return batch + "×" + channels + "×" + height + "×" + width + (bits == 0 ? " floats" : " " + bits + "-bit codes");
    }
}
