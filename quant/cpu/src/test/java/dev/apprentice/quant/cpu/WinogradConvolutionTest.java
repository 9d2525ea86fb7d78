package dev.apprentice.quant.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.apprentice.engine.kernel.ConvPlan;
import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.vector.VectorWidth;
import dev.apprentice.quant.WeightEncoding;
import dev.apprentice.quant.packed.PackedConv;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A full-precision layer through Winograd against the same layer through the direct row kernel (which
 * FloatNetworkTest checks against the module): ragged channel counts, odd heights and widths, a residual
 * and relu, several images per chunk and bands of one image split over chunks; the same bits for any
 * thread count; and which layers the plan sends here.
 */
class WinogradConvolutionTest {
    private final Random rng = new Random(21);

    @Test
    void matchesTheDirectKernelToRounding() {
        check(16, 16, 28, 28, 1, true);
        check(16, 32, 14, 14, 3, false);
        check(17, 24, 9, 7, 2, true);   // a scalar channel tail, an odd number of output vectors, odd sizes
        check(64, 64, 7, 7, 5, true);   // the 64-channel stage: chunks of three images
        check(8, 8, 5, 30, 2, false);
    }

    private void check(int inCh, int outCh, int h, int w, int batch, boolean residual) {
        PackedConv conv = layer(inCh, outCh);
        FloatNetwork.Layer direct = FloatNetwork.layer(conv);
        float[] u = WinogradConvolution.weights(FloatNetwork.tapMajor(conv), conv);
        CpuActivations x = CpuActivations.fromNchw(gaussian(batch * inCh * h * w), batch, inCh, h, w);
        CpuActivations r = residual ? CpuActivations.fromNchw(gaussian(batch * outCh * h * w), batch, outCh, h, w) : null;
        CpuActivations expected = output(batch, outCh, h, w), got = output(batch, outCh, h, w);
        TapConvolution.run(x, conv, direct.weights(), r, expected, true);
        WinogradConvolution.run(x, conv, u, r, got, true);
        float scale = 0;
        for (float v : expected.values()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.values().length; i++)
            assertEquals(expected.values()[i], got.values()[i], 1e-5f * scale,
                    inCh + "→" + outCh + " at " + h + "×" + w + " × " + batch + ": element " + i);
        int before = Parallel.threads();
        try {   // bands split over more tasks: the same bits
            Parallel.setThreads(3);
            CpuActivations again = output(batch, outCh, h, w);
            WinogradConvolution.run(x, conv, u, r, again, true);
            assertArrayEquals(got.values(), again.values());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void thePlanTakesItForStrideOnePaddedLayersAtMost256BitsWide() {
        ConvPlan.Path wide = VectorWidth.VECTOR && VectorWidth.FLOATS.vectorBitSize() <= ConvPlan.WINOGRAD_MAX_BITS ? ConvPlan.Path.WINOGRAD : ConvPlan.Path.ROW_KERNEL;
        assertEquals(wide, ConvPlan.channelsLastFloat(3, 1, 1, 16));
        assertEquals(ConvPlan.Path.ROW_KERNEL, ConvPlan.channelsLastFloat(3, 2, 1, 16));
        assertEquals(ConvPlan.Path.TAP_KERNEL, ConvPlan.channelsLastFloat(1, 1, 0, 16));
        assertEquals(ConvPlan.Path.ROW_KERNEL, ConvPlan.channelsLastFloat(3, 1, 1, 1));   // the image-fed first layer
        assertEquals(wide == ConvPlan.Path.WINOGRAD, FloatNetwork.layer(layer(16, 16)).winograd() != null);
        PackedConv strided = new PackedConv("s2", 16, 16, 3, 2, 1, WeightEncoding.F32, 0, null, gaussian(16 * 16 * 9), TestModels.ones(16), TestModels.ones(16), new float[16]);
        assertThrows(IllegalArgumentException.class, () -> WinogradConvolution.run(CpuActivations.fromNchw(new float[16 * 64], 1, 16, 8, 8), strided,
                new float[16 * 16 * 16], null, output(1, 16, 4, 4), false));
    }

    private PackedConv layer(int inCh, int outCh) {
        float[] scale = new float[outCh], bias = new float[outCh];
        for (int o = 0; o < outCh; o++) {
            scale[o] = 0.5f + rng.nextFloat();
            bias[o] = 0.1f * (float) rng.nextGaussian();
        }
        return new PackedConv("w", inCh, outCh, 3, 1, 1, WeightEncoding.F32, 0, null, gaussian(outCh * inCh * 9), TestModels.ones(outCh), scale, bias);
    }

    private static CpuActivations output(int batch, int ch, int h, int w) {
        return new CpuActivations(batch, ch, h, w, 0, null, new float[batch * ch * h * w]);
    }

    private float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
