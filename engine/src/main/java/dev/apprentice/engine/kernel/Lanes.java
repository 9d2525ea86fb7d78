package dev.apprentice.engine.kernel;

/**
 * Horizontal sums in a fixed order. {@code reduceLanes(ADD)} may add lanes in a different
 * order in the interpreter than in C2-compiled code, so the same call could round differently
 * before and after warm-up; training must be bit-reproducible, so callers store the vector
 * ({@code acc.intoArray(lanes, 0)}) and sum it here lane by lane. (A helper taking the vector
 * itself is not always inlined, and then the vector is boxed: measured 7-9% of a ResNet-8
 * training step in batchnorm's per-plane sums.)
 */
final class Lanes {
    private Lanes() {}

    static float sum(float[] lanes, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += lanes[i];
        return s;
    }
}
