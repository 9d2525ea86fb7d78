package dev.apprentice.distill.model;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ResNet-8 trained a few steps in PyTorch 1.13 (nn/src/main/python/apprentice_resnet.py) and saved as a
 * safetensors state dict, imported into our ResNet-8: the same eval-mode logits as PyTorch computed
 * (fixtures and the script that made them: src/test/resources/pytorch).
 */
class PyTorchImportTest {
    private static final Path FIXTURES = Path.of("src/test/resources/pytorch");
    private static final ModelSpec RESNET8 = new ModelSpec("resnet8", 1.0, 1, 28, 28, 10,
            new Normalization(new float[] {0f}, new float[] {1f}));

    @Test
    void pyTorchStateDictGivesPyTorchsLogits() throws Exception {
        ModelFiles.Loaded loaded = ModelFiles.load(FIXTURES.resolve("resnet8-torch.safetensors"), RESNET8);
        var io = SafeTensors.read(FIXTURES.resolve("resnet8-torch-io.safetensors")).tensors();
        Tensor expected = io.get("logits");
        Tensor logits;
        try (var noGrad = GradMode.off()) {
            logits = loaded.model().eval().forward(io.get("input"));
        }
        float[] want = expected.data(), got = logits.data();
        assertEquals(want.length, got.length);
        float largest = 0f;
        for (float v : want) largest = Math.max(largest, Math.abs(v));
        assertTrue(largest > 0.05f, "the fixture's logits are not all near zero");
        for (int i = 0; i < want.length; i++) {
            // float32 in both; the sums run in another order, so allow a few ulps of the largest logit.
            assertEquals(want[i], got[i], 2e-6f + 1e-5f * largest, "logit " + i);
        }
    }

    @Test
    void stateDictWithoutArchitectureNeedsOne() {
        var e = assertThrows(ModelFileException.class, () -> ModelFiles.load(FIXTURES.resolve("resnet8-torch.safetensors"), null));
        assertTrue(e.getMessage().contains("no 'arch' metadata"), e.getMessage());
    }

    @Test
    void stateDictOfAnotherArchitectureIsRefused() {
        ModelSpec resnet20 = new ModelSpec("resnet20", 1.0, 1, 28, 28, 10, RESNET8.norm());
        var e = assertThrows(ModelFileException.class, () -> ModelFiles.load(FIXTURES.resolve("resnet8-torch.safetensors"), resnet20));
        assertTrue(e.getMessage().contains("does not match resnet20"), e.getMessage());
    }
}
