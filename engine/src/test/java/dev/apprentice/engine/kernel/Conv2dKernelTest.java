package dev.apprentice.engine.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static dev.apprentice.engine.kernel.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class Conv2dKernelTest {

    static Stream<ConvGeometry> geometries() {
        return Stream.of(
                ConvGeometry.of(1, 1, 5, 5, 1, 1, 1, 0),            // 1×1 pointwise, smallest
                ConvGeometry.of(3, 3, 7, 6, 5, 1, 1, 0),            // pointwise, non-square input
                ConvGeometry.of(3, 16, 9, 9, 16, 1, 2, 0),          // 1×1 stride 2 (projection shortcut)
                ConvGeometry.of(2, 3, 8, 7, 4, 1, 3, 0),            // 1×1 stride 3
                ConvGeometry.of(2, 3, 5, 5, 2, 1, 1, 2),            // 1×1 with padding larger than the kernel
                ConvGeometry.of(2, 5, 8, 8, 3, 3, 1, 1),            // 3×3 same
                ConvGeometry.of(1, 1, 28, 28, 16, 3, 1, 1),         // ResNet-20 first conv shape
                ConvGeometry.of(3, 3, 11, 9, 5, 3, 2, 1),           // 3×3 stride 2, odd sizes
                ConvGeometry.of(1, 16, 7, 7, 16, 3, 1, 1),          // 16 channels, 7×7
                ConvGeometry.of(3, 5, 10, 10, 4, 5, 1, 2),          // 5×5 same
                ConvGeometry.of(2, 3, 13, 12, 5, 5, 3, 2),          // 5×5 stride 3
                ConvGeometry.of(3, 3, 5, 5, 2, 5, 1, 0),            // output 1×1
                ConvGeometry.of(3, 3, 6, 6, 2, 3, 3, 0),            // stride = kernel, no overlap
                new ConvGeometry(3, 3, 9, 10, 4, 2, 3, 1, 2, 0, 1), // 2×3 non-square kernel, mixed strides
                new ConvGeometry(2, 5, 7, 8, 3, 3, 2, 2, 1, 1, 2),  // 3×2 kernel, pads 1/2
                new ConvGeometry(2, 3, 6, 9, 4, 2, 3, 1, 1, 1, 0),  // 2×3 kernel, stride 1 (wide lowering), pads 1/0
                new ConvGeometry(3, 2, 5, 4, 3, 3, 3, 1, 1, 2, 0),  // pad larger than half the kernel, stride 1
                ConvGeometry.of(19, 2, 6, 5, 3, 3, 1, 1),           // batch > weight-gradient chunks, uneven split
                ConvGeometry.of(2, 4, 14, 14, 6, 3, 1, 1),          // 14-wide rows: 8 + 4 lanes + 2 scalar
                ConvGeometry.of(2, 4, 14, 14, 8, 3, 2, 1));         // 7-wide rows, strided: 4 lanes + 3 scalar
    }

    private static int terms(ConvGeometry g, String which) {
        int p = g.outH() * g.outW(), khw = g.kernelH() * g.kernelW();
        return switch (which) {
            case "forward" -> g.inChannels() * khw + 1;
            case "data" -> g.outChannels() * khw + 1;
            default -> g.batch() * p + 1;
        };
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesReference(ConvGeometry g) {
        Random rng = new Random(1);
        float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), b = random(rng, g.outChannels());
        float[] y = random(rng, g.outputSize()); // garbage: forward must overwrite
        Conv2dKernel.forward(g, x, w, b, y);
        var ref = ConvReference.forward(g, x, w, b);
        assertClose("y", ref.value(), ref.magnitude(), y, terms(g, "forward"));

        float[] y0 = random(rng, g.outputSize());
        Conv2dKernel.forward(g, x, w, null, y0);
        var ref0 = ConvReference.forward(g, x, w, null);
        assertClose("y (no bias)", ref0.value(), ref0.magnitude(), y0, terms(g, "forward"));
    }

    /**
     * The scalar twin (the oracle of every width and the whole of a JVM without vector code) against the
     * double-precision reference, and every vector path of this JVM's width against the twin: forward
     * with bias and residual, both input-gradient modes, the weight and bias gradients.
     */
    @ParameterizedTest
    @MethodSource("geometries")
    void vectorPathsAgreeWithTheScalarTwin(ConvGeometry g) {
        Random rng = new Random(5);
        float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), b = random(rng, g.outChannels());
        float[] res = random(rng, g.outputSize()), dy = random(rng, g.outputSize()), dxStart = random(rng, g.inputSize());
        float[] y = new float[g.outputSize()], yTwin = new float[g.outputSize()];
        Conv2dKernel.forward(g, x, w, b, res, true, y);
        ConvScalar.forward(g, x, w, b, res, true, yTwin);
        var ref = ConvReference.forward(g, x, w, b);
        double[] refRelu = ref.value().clone(), refMag = ref.magnitude().clone();
        for (int i = 0; i < refRelu.length; i++) {
            refRelu[i] = Math.max(refRelu[i] + res[i], 0);
            refMag[i] += Math.abs(res[i]);
        }
        assertClose("twin y", refRelu, refMag, yTwin, terms(g, "forward") + 1);
        assertClose("y against twin", refRelu, refMag, y, terms(g, "forward") + 1);

        for (boolean accumulate : new boolean[] {false, true}) {
            float[] dx = accumulate ? dxStart.clone() : random(rng, g.inputSize()), dxTwin = accumulate ? dxStart.clone() : new float[g.inputSize()];
            Conv2dKernel.backwardData(g, dy, w, dx, accumulate);
            ConvScalar.backwardData(g, dy, w, dxTwin, accumulate);
            var refDx = ConvReference.backwardData(g, dy, w, accumulate ? dxStart : new float[g.inputSize()]);
            assertClose("twin dx, accumulate " + accumulate, refDx.value(), refDx.magnitude(), dxTwin, terms(g, "data"));
            assertClose("dx, accumulate " + accumulate, refDx.value(), refDx.magnitude(), dx, terms(g, "data"));
        }
        float[] dw = new float[g.weightSize()], dwTwin = new float[g.weightSize()], db = new float[g.outChannels()], dbTwin = new float[g.outChannels()];
        Conv2dKernel.backwardWeights(g, x, dy, dw);
        ConvScalar.backwardWeights(g, x, dy, dwTwin);
        var refDw = ConvReference.backwardWeights(g, x, dy, new float[g.weightSize()]);
        assertClose("twin dw", refDw.value(), refDw.magnitude(), dwTwin, terms(g, "weights"));
        assertClose("dw", refDw.value(), refDw.magnitude(), dw, terms(g, "weights"));
        Conv2dKernel.backwardBias(g, dy, db);
        ConvScalar.backwardBias(g, dy, dbTwin);
        for (int o = 0; o < db.length; o++) assertEquals(dbTwin[o], db[o], 1e-5f * g.batch() * g.outH() * g.outW(), "db[" + o + "]");
    }

    /** The inference epilogue (bias, residual, relu while the result is copied out) equals the same steps run after the convolution, bit for bit. */
    @ParameterizedTest
    @MethodSource("geometries")
    void forwardEpilogueEqualsSeparatePasses(ConvGeometry g) {
        Random rng = new Random(2);
        float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), b = random(rng, g.outChannels());
        float[] r = random(rng, g.outputSize());
        for (boolean relu : new boolean[] {false, true}) {
            for (float[] bias : new float[][] {null, b}) {
                for (float[] residual : new float[][] {null, r}) {
                    float[] expected = new float[g.outputSize()];
                    Conv2dKernel.forward(g, x, w, bias, expected);
                    for (int i = 0; i < expected.length; i++) {
                        float v = expected[i];
                        if (residual != null) v += residual[i];
                        expected[i] = relu ? Math.max(v, 0f) : v;
                    }
                    float[] y = random(rng, g.outputSize());
                    Conv2dKernel.forward(g, x, w, bias, residual, relu, y);
                    assertArrayEquals(expected, y, "relu " + relu + ", bias " + (bias != null) + ", residual " + (residual != null));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardDataAccumulatesReference(ConvGeometry g) {
        Random rng = new Random(2);
        float[] dy = random(rng, g.outputSize()), w = random(rng, g.weightSize()), dx = random(rng, g.inputSize());
        var ref = ConvReference.backwardData(g, dy, w, dx);
        Conv2dKernel.backwardData(g, dy, w, dx);
        assertClose("dx", ref.value(), ref.magnitude(), dx, terms(g, "data"));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardWeightsAccumulatesReference(ConvGeometry g) {
        Random rng = new Random(3);
        float[] x = random(rng, g.inputSize()), dy = random(rng, g.outputSize()), dw = random(rng, g.weightSize());
        var ref = ConvReference.backwardWeights(g, x, dy, dw);
        Conv2dKernel.backwardWeights(g, x, dy, dw);
        assertClose("dw", ref.value(), ref.magnitude(), dw, terms(g, "weights"));
    }

    /** Images too big for one weight-gradient buffer are summed in groups (here: one image each). */
    @ParameterizedTest
    @MethodSource("geometries")
    void backwardWeightsInSmallGroupsMatchesReference(ConvGeometry g) {
        int saved = Conv2dKernel.weightGradGroupFloats;
        Conv2dKernel.weightGradGroupFloats = 1;
        try {
            backwardWeightsAccumulatesReference(g);
        } finally {
            Conv2dKernel.weightGradGroupFloats = saved;
        }
    }

    /** Shapes where {@link Conv2dKernel#backward} runs both gradients image by image (stride-1 3×3, output channels in 16s). */
    static Stream<ConvGeometry> sweptTogether() {
        return Stream.of(
                ConvGeometry.of(4, 16, 28, 28, 16, 3, 1, 1),        // ResNet-20's first stage
                ConvGeometry.of(3, 8, 7, 7, 32, 3, 1, 1),           // compact weight-gradient rows, 49 pixels
                ConvGeometry.of(5, 3, 6, 11, 48, 3, 1, 1),          // 32 + 16 output channels, odd inputs
                new ConvGeometry(3, 5, 9, 8, 64, 3, 3, 1, 1, 0, 2), // pads 0 and 2
                ConvGeometry.of(19, 16, 5, 3, 16, 3, 1, 1),         // more images than chunks, 15 pixels
                ConvGeometry.of(3, 16, 4, 5, 16, 3, 1, 3));         // pad 3: the input gradient is no forward convolution
    }

    /** backward equals backwardData then backwardWeights, bit for bit, whether dx is added to or written, for 1–3 threads. */
    @ParameterizedTest
    @MethodSource({"geometries", "sweptTogether"})
    void backwardEqualsTheTwoSeparateCalls(ConvGeometry g) {
        Random rng = new Random(6);
        float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), dy = random(rng, g.outputSize());
        float[] dx0 = random(rng, g.inputSize()), dw0 = random(rng, g.weightSize());
        for (boolean accumulate : new boolean[] {true, false}) {
            float[] dx = dx0.clone(), dw = dw0.clone();
            withThreads(1, () -> {
                Conv2dKernel.backwardData(g, dy, w, dx, accumulate);
                Conv2dKernel.backwardWeights(g, x, dy, dw);
                return null;
            });
            for (int t = 1; t <= 3; t++) {
                float[] dxT = dx0.clone(), dwT = dw0.clone();
                withThreads(t, () -> {
                    Conv2dKernel.backward(g, x, dy, w, dxT, accumulate, dwT);
                    return null;
                });
                assertArrayEquals(dx, dxT, "dx, accumulate " + accumulate + ", " + t + " threads");
                assertArrayEquals(dw, dwT, "dw, accumulate " + accumulate + ", " + t + " threads");
            }
        }
        var ref = ConvReference.backwardWeights(g, x, dy, dw0.clone());
        float[] dw = dw0.clone();
        withThreads(2, () -> {
            Conv2dKernel.backward(g, x, dy, w, new float[g.inputSize()], false, dw);
            return null;
        });
        assertClose("dw", ref.value(), ref.magnitude(), dw, terms(g, "weights"));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardBiasAccumulatesReference(ConvGeometry g) {
        Random rng = new Random(4);
        float[] dy = random(rng, g.outputSize()), db = random(rng, g.outChannels());
        var ref = ConvReference.backwardBias(g, dy, db);
        Conv2dKernel.backwardBias(g, dy, db);
        assertClose("db", ref.value(), ref.magnitude(), db, terms(g, "bias"));
    }

    @Test
    void outputSizeFollowsFloorFormula() {
        ConvGeometry g = new ConvGeometry(2, 3, 28, 27, 8, 3, 2, 2, 3, 1, 0);
        assertEquals((28 + 2 - 3) / 2 + 1, g.outH());
        assertEquals((27 - 2) / 3 + 1, g.outW());
        assertEquals(2 * 8 * g.outH() * g.outW(), g.outputSize());
        assertEquals(8 * 3 * 3 * 2, g.weightSize());
        assertEquals(2 * 3 * 28 * 27, g.inputSize());
        assertEquals(ConvGeometry.of(1, 2, 5, 5, 3, 3, 1, 1),
                new ConvGeometry(1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1));
    }

    @Test
    void badGeometryIsRejectedWithClearMessage() {
        assertMessage("batch must be positive, got 0", () -> ConvGeometry.of(0, 1, 5, 5, 1, 3, 1, 1));
        assertMessage("inChannels must be positive", () -> ConvGeometry.of(1, -1, 5, 5, 1, 3, 1, 1));
        assertMessage("outChannels must be positive", () -> ConvGeometry.of(1, 1, 5, 5, 0, 3, 1, 1));
        assertMessage("kernelH must be positive", () -> ConvGeometry.of(1, 1, 5, 5, 1, 0, 1, 1));
        assertMessage("strideW must be positive", () -> new ConvGeometry(1, 1, 5, 5, 1, 3, 3, 1, 0, 1, 1));
        assertMessage("padH must be non-negative", () -> ConvGeometry.of(1, 1, 5, 5, 1, 3, 1, -1));
        assertMessage("larger than the padded input", () -> ConvGeometry.of(1, 1, 2, 2, 1, 5, 1, 1));
        assertMessage("more than a Java array holds", () -> ConvGeometry.of(100_000, 1000, 100, 100, 1, 1, 1, 0));
    }

    @Test
    void wrongArrayLengthsAreRejected() {
        ConvGeometry g = ConvGeometry.of(2, 3, 5, 5, 4, 3, 1, 1);
        float[] x = new float[g.inputSize()], w = new float[g.weightSize()], y = new float[g.outputSize()];
        assertMessage("x has length 149, expected 150", () -> Conv2dKernel.forward(g, new float[149], w, null, y));
        assertMessage("w has length", () -> Conv2dKernel.forward(g, x, new float[3], null, y));
        assertMessage("bias has length 3, expected 4", () -> Conv2dKernel.forward(g, x, w, new float[3], y));
        assertMessage("y must not be null", () -> Conv2dKernel.forward(g, x, w, null, null));
        assertMessage("dx has length", () -> Conv2dKernel.backwardData(g, y, w, new float[1]));
        assertMessage("dy has length", () -> Conv2dKernel.backwardData(g, x, w, x));
        assertMessage("dw has length", () -> Conv2dKernel.backwardWeights(g, x, y, new float[1]));
        assertMessage("db has length", () -> Conv2dKernel.backwardBias(g, y, new float[5]));
    }

    @Test
    void resultsAreBitIdenticalAcrossRunsAndThreadCounts() {
        ConvGeometry g = ConvGeometry.of(37, 4, 9, 9, 6, 3, 1, 1);
        ConvGeometry s2 = ConvGeometry.of(37, 4, 9, 9, 6, 1, 2, 0);
        Random rng = new Random(5);
        float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), b = random(rng, 6);
        float[] dy = random(rng, g.outputSize()), dy2 = random(rng, s2.outputSize()), w2 = random(rng, s2.weightSize());
        float[][] one = withThreads(1, () -> runAll(g, s2, x, w, b, dy, w2, dy2));
        float[][] two = withThreads(2, () -> runAll(g, s2, x, w, b, dy, w2, dy2));
        float[][] twoAgain = withThreads(2, () -> runAll(g, s2, x, w, b, dy, w2, dy2));
        float[][] three = withThreads(3, () -> runAll(g, s2, x, w, b, dy, w2, dy2));
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(two[i], twoAgain[i], "repeat run, output " + i);
            assertArrayEquals(one[i], two[i], "1 vs 2 threads, output " + i);
            assertArrayEquals(one[i], three[i], "1 vs 3 threads, output " + i);
        }
    }

    private static float[][] runAll(ConvGeometry g, ConvGeometry s2, float[] x, float[] w, float[] b, float[] dy,
                                    float[] w2, float[] dy2) {
        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
        float[] db = new float[g.outChannels()], dx2 = new float[s2.inputSize()], dw2 = new float[s2.weightSize()];
        Conv2dKernel.forward(g, x, w, b, y);
        Conv2dKernel.backwardData(g, dy, w, dx);
        Conv2dKernel.backwardWeights(g, x, dy, dw);
        Conv2dKernel.backwardBias(g, dy, db);
        Conv2dKernel.backwardData(s2, dy2, w2, dx2);
        Conv2dKernel.backwardWeights(s2, x, dy2, dw2);
        return new float[][] {y, dx, dw, db, dx2, dw2};
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
