package dev.apprentice.quant.cpu;

import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.Epilogue;
import dev.apprentice.quant.packed.PackedExport;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.layers.BatchNorm2d;
import dev.apprentice.nn.layers.Conv2d;
import dev.apprentice.nn.layers.Linear;
import dev.apprentice.nn.resnet.ResNets;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.QuantizeTransform;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packed network against the fake-quantized model it was exported from, numerically: every layer's
 * output before rounding to codes, and the logits, fed the same input codes on both sides (teacher
 * forcing: both continue from the packed codes, so a rounding tie broken differently upstream does not
 * hide a folding error downstream).
 *
 * <p>The bound. Let K be a layer's products per output, A = Σ|x_i·w_i| over them (x the input values,
 * w the fake-quantized weights), s = |γ|/√(var + eps), μ and β the batch norm's mean and shift, u = 2^-24.
 * The fake-quantized model sums K rounded products in some order and applies batch norm in float: at
 * most (K + 9)·u·s·A + 6u·s·|μ| + 2u·|β| + u·|y| from the exact value. The export folds s, the weight
 * scale and the activation step 1/L into one float scale (five roundings: 5u·s·A) and β − μ·s into one
 * float bias (2u·(|β| + s·|μ|)); the packed sum is exact and the epilogue's fma rounds once (u·|y|). So
 * |y_fake − y_packed| ≤ (K + 16)·u·(s·A + s·|μ| + |β|) + 2u·|y|, plus the bound of a projection shortcut
 * added in. A code may then differ only by one and only where y·L lies within the bound (times L) of a
 * rounding tie. Pooling and the classifier add (K + HW + 6)·u·(Σ|w_j|·p_j + |b|). A wrong fold (a
 * missing eps, a scale off by one rounding of 1/L in the wrong place, a transposed channel) breaks these
 * bounds by orders of magnitude.
 */
class PackedLogitsTest {
    private static final double U = 0x1p-24;

    @Test
    void everyLayerAndTheLogitsAgreeWithTheFakeQuantizedModelWithinTheFoldingBound() {
        for (String precision : new String[] {"a8w2", "a8w4", "a4w4", "a4w2"}) {
            Module net = ResNets.create("resnet8", 1, 10, 1.0, 11);
            TestModels.randomizeBatchNorms(net, new Random(5));
            QuantizeTransform.Plan plan = QuantizeTransform.apply(net, QuantConfig.of(Precision.parse(precision)));
            net.eval();
            PackedModel packed = PackedExport.export(net, plan, Map.of());
            try (var noGrad = GradMode.off(); CpuBackend backend = new CpuBackend()) {
                new Walk(precision, net.namedModules(), packed, backend, packed.activationBits()).run(Tensor.randn(new Random(6), 1f, 3, 1, 28, 28));
            }
        }
    }

    /** One teacher-forced pass through the network, checking as it goes. */
    private record Walk(String precision, Map<String, Module> modules, PackedModel packed, CpuBackend backend, int bits) {
        void run(Tensor image) {
            int levels = (1 << bits) - 1;
            CpuActivations x = (CpuActivations) backend.upload(image.data(), image.dim(0), image.dim(1), image.dim(2), image.dim(3));
            CpuActivations h = codes("conv", "bn", x, image, null, levels);
            for (int i = 0; packed.layers().containsKey("layers." + i + ".c1"); i++) {
                String block = "layers." + i + ".";
                Tensor hIn = values(h);
                CpuActivations h1 = codes(block + "c1", block + "b1", h, hIn, null, levels);
                Output shortcut = packed.layers().containsKey(block + "sc.0")
                        ? conv(block + "sc.0", block + "sc.1", h, hIn, null)
                        : new Output(h, hIn.data(), new double[hIn.size()]);
                h = codes(block + "c2", block + "b2", h1, values(h1), shortcut, levels);
            }
            logits(h, levels);
        }

        /** The layer's pre-rounding outputs on both sides within the bound, then its codes. */
        private CpuActivations codes(String convName, String bnName, CpuActivations in, Tensor inValues, Output residual, int levels) {
            Output y = conv(convName, bnName, in, inValues, residual);
            CpuActivations codes = (CpuActivations) backend.conv(in, backend.prepare(packed.layer(convName)), residual == null ? null : residual.packed(), bits);
            int[] got = codes.toNchwCodes();
            float[] packedY = ((CpuActivations) y.packed()).toNchwValues();
            int ties = 0;
            for (int i = 0; i < got.length; i++) {
                assertEquals(Epilogue.quantize(packedY[i], levels), got[i], precision + " " + convName + ": codes and float outputs of the packed layer disagree at " + i);
                int fake = Epilogue.quantize(y.fake()[i], levels);
                if (fake == got[i]) continue;
                double scaled = Math.min(Math.max(y.fake()[i], 0f), 1f) * (double) levels;
                double fromTie = Math.abs(scaled - Math.floor(scaled) - 0.5);
                assertTrue(Math.abs(fake - got[i]) == 1 && fromTie <= y.bound()[i] * levels * 1.001 + 1e-9,
                        precision + " " + convName + " output " + i + ": code " + got[i] + " packed, " + fake + " fake-quantized (y " + y.fake()[i]
                                + ", " + fromTie / levels + " from a tie, bound " + y.bound()[i] + ")");
                ties++;
            }
            assertTrue(ties <= got.length / 100, precision + " " + convName + ": " + ties + " of " + got.length + " codes rounded across a tie");
            return codes;
        }

        /** A convolution with its folded batch norm (and residual) on both sides: outputs and bounds, checked. */
        private Output conv(String convName, String bnName, CpuActivations in, Tensor inValues, Output residual) {
            Conv2d conv = (Conv2d) modules.get(convName);
            BatchNorm2d bn = (BatchNorm2d) modules.get(bnName);
            float[] fake = bn.forward(conv.forward(inValues)).data().clone();
            CpuActivations packedOut = (CpuActivations) backend.conv(in, backend.prepare(packed.layer(convName)), residual == null ? null : residual.packed(), 0);
            float[] got = packedOut.toNchwValues();
            double[] bound = foldBound(conv, bn, inValues, weightsAsUsed(conv));
            for (int i = 0; i < fake.length; i++) {
                if (residual != null) {
                    fake[i] += residual.fake()[i];
                    bound[i] += residual.bound()[i];
                }
                bound[i] += 2 * U * Math.abs(fake[i]);
                assertTrue(Math.abs(fake[i] - got[i]) <= bound[i], precision + " " + convName + " output " + i + ": fake-quantized " + fake[i]
                        + ", packed " + got[i] + ", differ by " + Math.abs(fake[i] - got[i]) + " > bound " + bound[i]);
            }
            return new Output(packedOut, fake, bound);
        }

        /** (K + 16)·u·(s·A + s·|μ| + |β|) per output element (see the class comment). */
        private double[] foldBound(Conv2d conv, BatchNorm2d bn, Tensor in, float[] w) {
            int n = in.dim(0), c = in.dim(1), ih = in.dim(2), iw = in.dim(3), k = conv.kernel, o = conv.outChannels;
            int oh = (ih + 2 * conv.padding - k) / conv.stride + 1, ow = (iw + 2 * conv.padding - k) / conv.stride + 1;
            float[] x = in.data();
            double[] bound = new double[n * o * oh * ow];
            int products = c * k * k;
            for (int b = 0; b < n; b++)
                for (int oc = 0; oc < o; oc++) {
                    double s = Math.abs(bn.gamma().data()[oc]) / Math.sqrt((double) bn.runningVar().data()[oc] + bn.eps);
                    double rest = s * Math.abs(bn.runningMean().data()[oc]) + Math.abs(bn.beta().data()[oc]);
                    for (int py = 0; py < oh; py++)
                        for (int px = 0; px < ow; px++) {
                            double a = 0;
                            for (int ic = 0; ic < c; ic++)
                                for (int ky = 0; ky < k; ky++)
                                    for (int kx = 0; kx < k; kx++) {
                                        int y = py * conv.stride - conv.padding + ky, xx = px * conv.stride - conv.padding + kx;
                                        if (y < 0 || y >= ih || xx < 0 || xx >= iw) continue;
                                        a += Math.abs((double) x[((b * c + ic) * ih + y) * iw + xx] * w[((oc * c + ic) * k + ky) * k + kx]);
                                    }
                            bound[((b * o + oc) * oh + py) * ow + px] = (products + 16) * U * (s * a + rest);
                        }
                }
            return bound;
        }

        /** Pooled codes through the classifier on both sides. */
        private void logits(CpuActivations h, int levels) {
            Linear fc = (Linear) modules.get("fc");
            Tensor hv = values(h);
            float[] fake = fc.forward(modules.get("pool").forward(hv)).data();
            float[] got = backend.poolLinear(h, backend.prepare(packed.layer("fc")));
            int[] codes = h.toNchwCodes();
            int n = h.batch(), c = h.channels(), hw = h.height() * h.width(), classes = fc.outFeatures;
            float[] w = fc.weight().data();
            for (int b = 0; b < n; b++)
                for (int j = 0; j < classes; j++) {
                    double mass = Math.abs(fc.bias().data()[j]);
                    for (int ch = 0; ch < c; ch++) {
                        long sum = 0;
                        for (int p = 0; p < hw; p++) sum += codes[(b * c + ch) * hw + p];
                        mass += Math.abs(w[j * c + ch]) * sum / ((double) levels * hw);
                    }
                    double bound = (c + hw + 6) * U * mass;
                    int i = b * classes + j;
                    assertTrue(Math.abs(fake[i] - got[i]) <= bound,
                            precision + " logit " + i + ": fake-quantized " + fake[i] + ", packed " + got[i] + " > bound " + bound);
                }
        }

        private static Tensor values(CpuActivations a) {
            float[] v = new float[a.batch() * a.channels() * a.height() * a.width()];
            int[] codes = a.toNchwCodes();
            for (int i = 0; i < v.length; i++) v[i] = Epilogue.dequantize(codes[i], a.levels());
            return Tensor.of(v, a.batch(), a.channels(), a.height(), a.width());
        }

        private static float[] weightsAsUsed(Conv2d conv) {
            return conv.transform() == null ? conv.weight().data() : conv.transform().apply(conv.weight()).data();
        }
    }

    /** A layer's output: the packed activations, the fake-quantized model's values (NCHW) and their bound. */
    private record Output(LowBitBackend.Activations packed, float[] fake, double[] bound) {}
}
