package dev.apprentice.distill;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {
    @TempDir
    Path tmp;

    private static final Normalization NORM = new Normalization(new float[] {0.3f}, new float[] {0.35f});

    @Test
    void aFullPrecisionModelClassifiesRawPixelsWithItsOwnNormalisation() throws IOException {
        ModelSpec spec = new ModelSpec("resnet8", 0.25, 1, 12, 12, 10, NORM);
        Module model = spec.build(3);
        Path file = tmp.resolve("model.safetensors");
        ModelFiles.save(file, spec, model);
        byte[] image = image(7);
        float[] expected = new float[10];
        model.eval();
        try (var noGrad = GradMode.off()) { // by hand: (x/255 - mean)/std, the module's forward, softmax in double
            float[] x = new float[image.length];
            for (int i = 0; i < x.length; i++) x[i] = ((image[i] & 0xff) / 255f - 0.3f) / 0.35f;
            float[] z = model.forward(Tensor.of(x, 1, 1, 12, 12)).data();
            double sum = 0;
            for (float v : z) sum += Math.exp(v);
            for (int c = 0; c < 10; c++) expected[c] = (float) (Math.exp(z[c]) / sum);
        }
        try (Classifier c = Classifier.open(file)) {
            assertFalse(c.packed());
            float[] p = c.probabilities(image);
            for (int k = 0; k < 10; k++) assertEquals(expected[k], p[k], 1e-5, "class " + k);
            assertEquals(10, c.classes());
            var e = assertThrows(IllegalArgumentException.class, () -> c.probabilities(new byte[10]));
            assertTrue(e.getMessage().contains("1×12×12"), e.getMessage());
        }
    }

    @Test
    void aPackedModelIsRecognisedAndAgreesWithItsFakeQuantizedSource() throws IOException {
        ModelSpec spec = new ModelSpec("resnet8", 0.25, 1, 12, 12, 10, NORM, QuantConfig.of(Precision.parse("a8w4")));
        Module model = spec.build(5);
        Path fake = tmp.resolve("model.safetensors"), packed = tmp.resolve("model.packed.safetensors");
        ModelFiles.save(fake, spec, model);
        PackedModels.export(model, spec, packed);
        int agree = 0;
        try (Classifier f = Classifier.open(fake); Classifier q = Classifier.open(packed)) {
            assertTrue(q.packed());
            assertEquals(f.label(), q.label());
            for (int i = 0; i < 20; i++) {
                byte[] image = image(i);
                float[] a = f.probabilities(image), b = q.probabilities(image);
                double sum = 0;
                for (float v : b) sum += v;
                assertEquals(1.0, sum, 1e-5);
                if (f.predict(image) == q.predict(image)) agree++;
            }
        }
        assertTrue(agree >= 18, "packed and fake-quantized agree on " + agree + " of 20 images");
    }

    private static byte[] image(int seed) {
        byte[] b = new byte[144];
        new Random(seed).nextBytes(b);
        return b;
    }
}
