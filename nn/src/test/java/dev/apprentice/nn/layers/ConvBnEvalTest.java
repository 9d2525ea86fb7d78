package dev.apprentice.nn.layers;

import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.resnet.ResNets;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inference with batchnorms folded into the convolutions against the layers run one by one (eval
 * mode with a graph recorded, which never folds): basic blocks, bottlenecks, projection shortcuts.
 */
class ConvBnEvalTest {
    @Test
    void foldedInferenceMatchesTheLayersRunOneByOne() {
        // ResNet-8 (basic blocks, CIFAR stem, projections), ResNet-18 at width 1/4 (ImageNet stem,
        // max-pool), ResNet-50 at width 1/8 (bottlenecks)
        check("resnet8", 3, 1.0, 12);
        check("resnet18", 3, 0.25, 32);
        check("resnet50", 2, 0.125, 32);
    }

    private static void check(String model, int inChannels, double width, int size) {
        Module net = ResNets.create(model, inChannels, 7, width, 3);
        Random rng = new Random(9);
        // running statistics and affine parameters far from their initial 0/1, so that folding matters
        for (Map.Entry<String, Module> e : net.namedModules().entrySet()) {
            if (!(e.getValue() instanceof BatchNorm2d bn)) continue;
            for (int c = 0; c < bn.channels; c++) {
                bn.gamma().data()[c] = 0.5f + rng.nextFloat();
                bn.beta().data()[c] = (float) rng.nextGaussian() * 0.3f;
                bn.runningMean().data()[c] = (float) rng.nextGaussian() * 0.5f;
                bn.runningVar().data()[c] = 0.2f + 2 * rng.nextFloat();
            }
        }
        net.eval();
        Tensor x = Tensor.randn(rng, 1f, 2, inChannels, size, size);
        Tensor unfolded = net.forward(x);   // grad mode on: every layer on its own
        Tensor folded;
        try (var noGrad = GradMode.off()) {
            assertTrue(ConvBnEval.applies(firstBatchNorm(net)));
            folded = net.forward(x);
        }
        assertFalse(ConvBnEval.applies(firstBatchNorm(net)), "grad mode is back on");
        float scale = 0;
        for (float v : unfolded.data()) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0.1f, model + ": logits large enough to compare");
        for (int i = 0; i < folded.size(); i++)
            assertEquals(unfolded.data()[i], folded.data()[i], 2e-5f * scale + 1e-6f, model + " logit " + i);
    }

    private static BatchNorm2d firstBatchNorm(Module net) {
        return net.namedModules().values().stream().filter(m -> m instanceof BatchNorm2d).map(m -> (BatchNorm2d) m).findFirst().orElseThrow();
    }

    @Test
    void trainingModeIsNeverFolded() {
        BatchNorm2d bn = new BatchNorm2d(4);
        try (var noGrad = GradMode.off()) {
            assertFalse(ConvBnEval.applies(bn));
            bn.eval();
            assertTrue(ConvBnEval.applies(bn));
            assertFalse(ConvBnEval.applies(bn, new BatchNorm2d(4)), "one batchnorm of the block still training");
        }
    }
}
