package dev.apprentice.quant.cpu;

import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.tensor.StepArena;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.QuantizeTransform;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NHWC inference network against the module's own eval-mode forward pass. */
class FloatNetworkTest {

    @Test
    void matchesTheModuleForwardToRounding() {
        Random rng = new Random(3);
        for (String arch : new String[] {"resnet8", "resnet20"}) {
            for (int channels : new int[] {1, 3}) {
                Module net = ResNets.create(arch, channels, 10, arch.equals("resnet8") ? 1.5 : 1.0, 7);
                TestModels.randomizeBatchNorms(net, rng);
                net.eval();
                for (int batch : new int[] {1, 5}) {
                    Tensor x = Tensor.randn(rng, 1f, batch, channels, 17, 14);
                    float[] expected;
                    try (var noGrad = GradMode.off()) {
                        expected = net.forward(x).data();
                    }
                    float[] got = FloatNetwork.of(net).logits(x.data(), batch, channels, 17, 14);
                    float scale = 0;
                    for (float v : expected) scale = Math.max(scale, Math.abs(v));
                    for (int i = 0; i < expected.length; i++)
                        if (Math.abs(expected[i] - got[i]) > 1e-5f * scale + 1e-6f)
                            throw new AssertionError(arch + " C" + channels + " batch " + batch + " logit " + i + ": " + expected[i] + " vs " + got[i]);
                }
            }
        }
    }

    @Test
    void sameLogitsForAnyThreadCountAndInsideAStepArena() {
        Module net = ResNets.create("resnet8", 1, 10, 1.0, 2);
        TestModels.randomizeBatchNorms(net, new Random(4));
        FloatNetwork fast = FloatNetwork.of(net);
        float[] images = Tensor.randn(new Random(5), 1f, 6, 1, 28, 28).data();
        float[] one;
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            one = fast.logits(images, 6, 1, 28, 28);
            Parallel.setThreads(3);
            assertArrayEquals(one, fast.logits(images, 6, 1, 28, 28));
            // a batch split by images (above) against each image alone, its layers split by rows
            for (int i = 0; i < 6; i++) {
                float[] alone = fast.logits(java.util.Arrays.copyOfRange(images, i * 784, (i + 1) * 784), 1, 1, 28, 28);
                assertArrayEquals(java.util.Arrays.copyOfRange(one, i * 10, (i + 1) * 10), alone, "image " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
        for (int step = 0; step < 3; step++)   // the arena hands back last step's arrays, which every layer overwrites
            try (var arena = StepArena.open()) {
                assertArrayEquals(one, fast.logits(images, 6, 1, 28, 28), "step " + step);
            }
    }

    @Test
    void takesOnlyFullPrecisionCifarResNets() {
        Module fp32 = ResNets.create("resnet8", 1, 10, 1.0, 1);
        assertTrue(FloatNetwork.supports(fp32));
        Module quantized = ResNets.create("resnet8", 1, 10, 1.0, 1);
        QuantizeTransform.apply(quantized, QuantConfig.of(Precision.parse("a8w2")));
        assertFalse(FloatNetwork.supports(quantized));
        assertThrows(IllegalArgumentException.class, () -> FloatNetwork.of(quantized));
        assertThrows(IllegalArgumentException.class, () -> FloatNetwork.of(fp32).logits(new float[28 * 28], 1, 3, 28, 28));
    }
}
