package dev.apprentice.engine.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed order. {@code reduceLanes(ADD)} may add lanes in a different
 * order in the interpreter than in C2-compiled code, so the same call could round differently
 * before and after warm-up; training must be bit-reproducible, so we sum lane by lane instead.
 */
final class Lanes {
    private Lanes() {}

    static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0f;
        for (float x : lanes) s += x;
        return s;
    }
}
