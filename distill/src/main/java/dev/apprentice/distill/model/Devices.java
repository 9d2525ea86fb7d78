package dev.apprentice.distill.model;

import dev.apprentice.quant.packed.LowBitBackend;

/** The GPU backend, when this build has one. */
final class Devices {
    private Devices() {}

    static LowBitBackend cuda() {
        throw new IllegalArgumentException("--device cuda: the CUDA backend is not part of this build yet");
    }
}
