package dev.apprentice.nn;

import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.resnet.ResNets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ResNet structure against PyTorch's counts and names, forward shapes, state dict round trips. */
class ResNetTest {

    /** Parameter counts of the same networks in PyTorch (nn/src/main/python/apprentice_resnet.py; 1 input channel, 10 classes). */
    @Test
    void cifarParameterCountsMatchThePyTorchReference() {
        assertEquals(77_754, ResNets.create("resnet8", 1, 10, 1.0, 1).parameterCount());
        assertEquals(272_186, ResNets.create("resnet20", 1, 10, 1.0, 1).parameterCount());
        assertEquals(855_482, ResNets.create("resnet56", 1, 10, 1.0, 1).parameterCount());
    }

    /** torchvision's resnet18/50 with 3 channels and 1000 classes. */
    @Test
    void imageNetParameterCountsMatchTorchvision() {
        assertEquals(11_689_512, ResNets.create("resnet18", 3, 1000, 1.0, 1).parameterCount());
        assertEquals(21_797_672, ResNets.create("resnet34", 3, 1000, 1.0, 1).parameterCount());
        assertEquals(25_557_032, ResNets.create("resnet50", 3, 1000, 1.0, 1).parameterCount());
    }

    @Test
    void stateDictNamesFollowThePyTorchReference() {
        List<String> names = List.copyOf(ResNets.create("resnet8", 1, 10, 1.0, 1).stateDict().keySet());
        assertEquals(List.of("conv.weight", "bn.weight", "bn.bias", "layers.0.c1.weight", "layers.0.b1.weight"), names.subList(0, 5));
        assertTrue(names.contains("layers.1.sc.0.weight"));
        assertTrue(names.contains("layers.1.sc.1.running_var"));
        assertTrue(names.contains("fc.bias"));
        // PyTorch's 56 entries less the 9 num_batches_tracked counters we do not keep.
        assertEquals(56 - 9, names.size());
    }

    @Test
    void forwardShapesForEveryFamily() {
        for (String name : new String[] {"resnet8", "resnet20", "resnet18", "resnet50"}) {
            Module m = ResNets.create(name, 1, 7, name.equals("resnet50") ? 0.25 : 1.0, 3);
            try (var s = GradMode.off()) {
                Tensor y = m.eval().forward(Tensor.randn(new Random(1), 1f, 2, 1, 28, 28));
                assertArrayEquals(new int[] {2, 7}, y.shape(), name);
            }
        }
    }

    @Test
    void widthMultiplierScalesChannels() {
        Module wide = ResNets.create("resnet8", 3, 10, 2.0, 1);
        assertArrayEquals(new int[] {32, 3, 3, 3}, wide.stateDict().get("conv.weight").shape());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Map<String, Tensor> a = ResNets.create("resnet8", 1, 10, 1.0, 42).stateDict();
        Map<String, Tensor> b = ResNets.create("resnet8", 1, 10, 1.0, 42).stateDict();
        Map<String, Tensor> c = ResNets.create("resnet8", 1, 10, 1.0, 43).stateDict();
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
        assertNotEquals(a.get("conv.weight").data()[0], c.get("conv.weight").data()[0]);
    }

    @Test
    void loadStateDictCopiesValuesAndRejectsOtherArchitectures() {
        Module src = ResNets.create("resnet8", 1, 10, 1.0, 1), dst = ResNets.create("resnet8", 1, 10, 1.0, 2);
        dst.loadStateDict(src.stateDict());
        assertArrayEquals(src.stateDict().get("layers.2.c2.weight").data(), dst.stateDict().get("layers.2.c2.weight").data());

        Module other = ResNets.create("resnet20", 1, 10, 1.0, 3);
        float before = other.stateDict().get("conv.weight").data()[0];
        var e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(src.stateDict()));
        assertTrue(e.getMessage().startsWith("state does not fit this model"), e.getMessage());
        assertTrue(e.getMessage().contains("70 missing (layers.3.c1.weight;"), e.getMessage());
        assertEquals(before, other.stateDict().get("conv.weight").data()[0], "a failed load must change nothing");

        Module wide = ResNets.create("resnet8", 1, 10, 2.0, 3);
        var e2 = assertThrows(IllegalArgumentException.class, () -> wide.loadStateDict(src.stateDict()));
        assertTrue(e2.getMessage().contains("conv.weight: file has [16, 1, 3, 3], model has [32, 1, 3, 3]"), e2.getMessage());
    }

    @Test
    void unknownNamesAndDepthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ResNets.create("resnet21", 1, 10, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> ResNets.create("vgg16", 1, 10, 1.0, 1));
    }

    @Test
    void trainAndEvalModeReachEveryLayer() {
        Module m = ResNets.create("resnet8", 1, 10, 1.0, 1);
        m.eval();
        assertTrue(m.namedModules().values().stream().noneMatch(Module::training));
        m.train(true);
        assertTrue(m.namedModules().values().stream().allMatch(Module::training));
    }

    @Test
    void widthMultipliersOutsideTheRangeAreRefused() {
        for (double w : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, 1e9, ResNets.MAX_WIDTH * 1.01}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ResNets.create("resnet8", 1, 10, w, 1), "width " + w);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("width multiplier"), e.getMessage());
        }
        assertEquals(1, ResNets.create("resnet8", 1, 10, 0.01, 1).parameters().stream().filter(p -> p.shape().length == 4).findFirst().orElseThrow().shape()[0]);
    }
}
