package dev.apprentice.distill.model;

import dev.apprentice.distill.data.Normalization;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelReportTest {
    private static final Normalization NORM = new Normalization(new float[] {0.3f}, new float[] {0.35f});

    @Test
    void aTernaryResNet20ShowsBitsPerLayerAndItsSizes() {
        ModelSpec spec = new ModelSpec("resnet20", 1, 1, 28, 28, 10, NORM, QuantConfig.of(Precision.parse("a8w2")));
        Module m = spec.build(1);
        String r = ModelReport.of(spec, m);
        assertTrue(r.matches("(?s).*\\nconv +Conv2d\\(1→16.*? 144 +32 +- +112\\.9 k\\n.*"), "the first conv stays fp32: " + r);
        assertTrue(r.matches("(?s).*\\nlayers\\.0\\.c1 +Conv2d.*? 2,304 +2 +- +1\\.8 M\\n.*"), "a ternary conv: " + r);
        assertTrue(r.matches("(?s).*\\nlayers\\.0\\.relu1 +ReLU .*? 0 +- +8 +0\\n.*"), "8-bit activations: " + r);
        assertTrue(r.contains("parameters: 272,186 trainable, 1,568 non-trainable"), r);
        long fp32 = 4L * (272_186 + 1_568);
        assertTrue(r.contains("size in fp32: 1.10 MB (" + String.format("%,d", fp32) + " bytes)"), r);
        long packed = dev.apprentice.quant.packed.PackedExport.export(m, dev.apprentice.quant.QuantizeTransform.plan(m, spec.quant()), spec.toMetadata()).parameterBytes();
        assertTrue(r.contains(String.format("(%,d bytes), %.1f× smaller", packed, fp32 / (double) packed)), r);
    }

    @Test
    void unitsReadLikePeoplesUnits() {
        assertEquals("31.0 M", ModelReport.macs(31_012_000));
        assertEquals("1.82 G", ModelReport.macs(1_820_000_000L));
        assertEquals("640", ModelReport.macs(640));
        assertEquals("80.1 kB (80,120 bytes)", ModelReport.bytes(80_120));
        assertEquals("512 B", ModelReport.bytes(512));
    }
}
