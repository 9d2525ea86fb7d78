package dev.apprentice.quant.cpu;

import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.BatchNorm2d;

import java.util.Random;

/** Networks for the packed-path tests. */
final class TestModels {
    private TestModels() {}

    /** n ones: a layer's unit input or output scales. */
    static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** Running statistics and affine parameters away from their initial values, so that folding them matters. */
    static void randomizeBatchNorms(Module net, Random rng) {
        for (Module m : net.namedModules().values()) {
            if (!(m instanceof BatchNorm2d bn)) continue;
            float[][] fields = {bn.gamma().data(), bn.beta().data(), bn.runningMean().data(), bn.runningVar().data()};
            for (int c = 0; c < fields[0].length; c++) {
                fields[0][c] = 0.5f + rng.nextFloat();
                fields[1][c] = rng.nextFloat() - 0.5f;
                fields[2][c] = 0.2f * (rng.nextFloat() - 0.5f);
                fields[3][c] = 0.5f + rng.nextFloat();
            }
        }
    }
}
