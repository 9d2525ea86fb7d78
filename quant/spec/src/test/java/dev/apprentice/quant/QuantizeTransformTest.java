package dev.apprentice.quant;

import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.resnet.ResNets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizeTransformTest {

    @Test
    void precisionSpecsParseAndRejectOthers() {
        assertEquals(new Precision(8, 2), Precision.parse("a8w2"));
        assertEquals(Precision.FULL, Precision.parse("fp32"));
        assertEquals(Precision.FULL, Precision.parse("a32w32"));
        assertEquals("a4w4", Precision.parse("A4W4").toString());
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("a3w2"));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("w2"));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("a8w16"));
    }

    @Test
    void resnetKeepsItsEndsFullPrecisionByDefault() {
        Module net = ResNets.create("resnet8", 1, 10, 1, 1);
        var plan = QuantizeTransform.plan(net, QuantConfig.of(Precision.parse("a8w2")));
        assertEquals(List.of("conv", "fc"), plan.fullPrecision());
        // resnet8: 3 blocks × 2 convs + 2 projection shortcuts
        assertEquals(8, plan.weights().size());
        assertTrue(plan.weights().containsKey("layers.1.sc.0"));
        assertEquals(7, plan.activations().size(), "stem ReLU + 2 per block");
        var ends = QuantizeTransform.plan(net, new QuantConfig(Precision.parse("a8w2"), false, true, 0.7f, true));
        assertEquals(10, ends.weights().size());
        assertTrue(ends.fullPrecision().isEmpty());
        var weightsOnly = QuantizeTransform.plan(net, QuantConfig.of(Precision.parse("a32w4")));
        assertTrue(weightsOnly.activations().isEmpty());
        assertEquals(8, weightsOnly.weights().size());
    }

    @Test
    void quantizedNetworkUsesTernaryWeightsAndStillTrains() {
        Module net = ResNets.create("resnet8", 1, 10, 1, 3);
        QuantizeTransform.apply(net, QuantConfig.of(Precision.parse("a4w2")));
        Conv2d inner = (Conv2d) net.namedModules().get("layers.0.c1");
        Tensor wq = inner.transform().apply(inner.weight());
        Set<Float> magnitudes = new TreeSet<>();
        for (int i = 0; i < 144; i++) magnitudes.add(Math.abs(wq.data()[i])); // output channel 0
        assertEquals(2, magnitudes.size());

        Random rng = new Random(1);
        Tensor x = Tensor.randn(rng, 1f, 4, 1, 12, 12);
        int[] y = {1, 2, 3, 4};
        Tensor loss = Loss.crossEntropy(net.forward(x), y);
        assertFalse(Float.isNaN(loss.item()));
        loss.backward();
        for (var e : net.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey() + " got no gradient");
    }

    @Test
    void configRoundTripsThroughMetadata() {
        QuantConfig c = new QuantConfig(Precision.parse("a4w4"), false, false, 0.6f, true);
        assertEquals(c, QuantConfig.fromMetadata(c.toMetadata()));
        assertEquals(QuantConfig.FULL, QuantConfig.fromMetadata(java.util.Map.of()));
    }
}
