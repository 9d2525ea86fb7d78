package dev.apprentice.nn;

import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.optim.Sgd;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.resnet.ResNets;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ResNet-8 training steps run as the trainer runs them, each inside a {@link StepArena}, end with
 * the same weights and batch-norm statistics, bit for bit, as the same steps with fresh arrays.
 */
class StepArenaResNetTest {
    @Test
    void resnetStepsInsideTheArenaMatchStepsWithoutIt() {
        Module plain = ResNets.create("resnet8", 1, 10, 1.0, 3), pooled = ResNets.create("resnet8", 1, 10, 1.0, 3);
        Sgd sgdPlain = sgd(plain), sgdPooled = sgd(pooled);
        Random data = new Random(11);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(data, 1f, 8, 1, 28, 28);
            int[] y = new int[8];
            for (int i = 0; i < y.length; i++) y[i] = data.nextInt(10);
            float lossPlain = step(plain, sgdPlain, x, y), lossPooled;
            try (var arena = StepArena.open()) {
                lossPooled = step(pooled, sgdPooled, x, y);
            }
            assertEquals(lossPlain, lossPooled, "loss at step " + step);
        }
        assertTrue(StepArena.pooledFloats() > 8 * 16 * 28 * 28, "the arena kept the step's activations for the next");
        Map<String, Tensor> a = plain.stateDict(), b = pooled.stateDict();
        for (String name : a.keySet()) assertArrayEquals(a.get(name).data(), b.get(name).data(), name);
    }

    private static Sgd sgd(Module m) {
        return Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(5e-4).group(m.parameters()).build();
    }

    private static float step(Module net, Sgd sgd, Tensor x, int[] y) {
        net.train(true);
        sgd.zeroGrad();
        Tensor loss = Loss.crossEntropy(net.forward(x), y);
        loss.backward();
        sgd.step();
        return loss.item();
    }
}
