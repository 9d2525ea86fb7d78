package dev.apprentice.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.optim.Sgd;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.engine.vector.VectorWidth;
import dev.apprentice.nn.io.SafeTensors;
import dev.apprentice.nn.resnet.ResNets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One whole training step of a ResNet-8 against PyTorch 1.13 (fixture and the script that made it:
 * src/test/resources/pytorch/make_resnet8_step.py): from the same weights, batch-norm statistics and
 * batch, the loss, the gradient of every parameter, the weights after a Nesterov SGD step with weight
 * decay, and the batch-norm running statistics. The step reaches every convolution path of a ResNet
 * (the stem's GEMM, the row kernel at 28, 14 and 7 pixels, the strided and 1×1 layers) at shapes the
 * finite-difference checks are too small for. It runs in every kernel run of the build (512, 256, 128
 * bits and scalar), so each width is held to PyTorch.
 *
 * <p>Tolerance: float32 on both sides, sums in other orders; a gradient element is compared against
 * 3e-5 of its tensor's largest magnitude (observed at most 3.2e-6 of it, at every width: 2.7e-6 with
 * vectors, 3.2e-6 scalar), the loss to 2e-6 relative (observed: equal), updated weights and statistics
 * to 1e-5 absolute (they move by at most ~0.1 of their scale). A kernel that sums the wrong products
 * misses by orders of magnitude more.
 */
class ResNetPyTorchStepTest {
    private static final Path FIXTURE = Path.of("src/test/resources/pytorch/resnet8-step.safetensors");

    @Test
    void oneTrainingStepMatchesPyTorch() throws Exception {
        Map<String, Tensor> f = SafeTensors.read(FIXTURE).tensors();
        Module net = ResNets.create("resnet8", 1, 10, 1.0, 1);
        net.loadStateDict(prefixed(f, "before."));
        Sgd sgd = Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(5e-4).group(net.parameters()).build();
        float[] labels = f.get("labels").data();
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) y[i] = (int) labels[i];

        net.train(true);
        sgd.zeroGrad();
        Tensor loss = Loss.crossEntropy(net.forward(f.get("input")), y);
        loss.backward();
        String where = " (" + VectorWidth.describe() + ")";
        float want = f.get("loss").data()[0];
        assertEquals(want, loss.item(), 2e-6f * Math.abs(want), "loss" + where);

        int checked = 0;
        for (var e : net.namedParameters().entrySet()) {
            Tensor ref = f.get("grad." + e.getKey());
            if (ref == null) fail("the fixture has no gradient of " + e.getKey());
            assertRelative("gradient of " + e.getKey() + where, ref.data(), e.getValue().grad(), 3e-5);
            checked++;
        }
        assertTrue(checked >= 20, "a ResNet-8 has more parameters than " + checked);

        sgd.step();
        Map<String, Tensor> after = prefixed(f, "after.");
        for (var e : net.stateDict().entrySet()) {
            float[] ref = after.get(e.getKey()).data(), got = e.getValue().data();
            for (int i = 0; i < ref.length; i++)
                if (!(Math.abs(ref[i] - got[i]) <= 1e-5f)) fail(e.getKey() + "[" + i + "] after the step: PyTorch " + ref[i] + ", ours " + got[i] + where);
        }
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new HashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    /** Each element within tol of the reference tensor's largest magnitude. */
    private static void assertRelative(String what, float[] ref, float[] got, double tol) {
        assertEquals(ref.length, got.length, what + ": length");
        double scale = 0;
        for (float v : ref) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, what + ": all zero in the fixture");
        double worst = 0;
        for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - got[i]) / scale);
        if (!(worst <= tol)) fail(what + ": largest difference " + worst + " of the largest magnitude " + scale + " (allowed " + tol + ")");
    }
}
