package dev.apprentice.engine;

import dev.apprentice.engine.autograd.Conv;
import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.autograd.MatMul;
import dev.apprentice.engine.autograd.Norm;
import dev.apprentice.engine.autograd.Pool;
import dev.apprentice.engine.optim.Sgd;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Same seed → bit-identical training, whatever the JIT has compiled so far and the thread count. */
class DeterminismTest {

    /** A few SGD steps of a small conv net (conv, batchnorm, relu, pooling, linear); returns all weights. */
    private static float[][] train(long seed) {
        Random rng = new Random(seed);
        Tensor w1 = Tensor.randn(rng, 0.3f, 8, 3, 3, 3).requireGrad();
        Tensor gamma = Tensor.full(1f, 8).requireGrad(), beta = Tensor.zeros(8).requireGrad();
        Tensor w2 = Tensor.randn(rng, 0.2f, 5, 8).requireGrad(), b2 = Tensor.zeros(5).requireGrad();
        float[] rm = new float[8], rv = new float[8];
        java.util.Arrays.fill(rv, 1f);
        Sgd sgd = Sgd.builder().lr(0.05).momentum(0.9).nesterov(true).weightDecay(1e-3).group(List.of(w1, gamma, beta, w2, b2)).build();
        for (int step = 0; step < 6; step++) {
            Tensor x = Tensor.randn(rng, 1f, 37, 3, 11, 9);
            int[] y = new int[37];
            for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(5);
            sgd.zeroGrad();
            Tensor h = Norm.batchNorm2d(Conv.conv2d(x, w1, null, 1, 1), gamma, beta, rm, rv, true, 0.1f, 1e-5f).relu();
            h = Pool.globalAvgPool(Pool.maxPool2d(h, 2, 2, 0));
            Loss.crossEntropy(MatMul.linear(h, w2, b2), y).backward();
            sgd.step();
        }
        return new float[][] {w1.data(), gamma.data(), beta.data(), w2.data(), b2.data(), rm, rv};
    }

    @Test
    void repeatedRunsAreBitIdentical() {
        float[][] first = train(9);
        for (int run = 0; run < 3; run++) { // later runs meet more JIT-compiled code than the first
            float[][] again = train(9);
            for (int i = 0; i < first.length; i++) assertArrayEquals(first[i], again[i], "tensor " + i + ", run " + run);
        }
    }

    @Test
    void threadCountDoesNotChangeResults() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] one = train(4);
            Parallel.setThreads(3);
            float[][] three = train(4);
            for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], three[i], "tensor " + i);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
