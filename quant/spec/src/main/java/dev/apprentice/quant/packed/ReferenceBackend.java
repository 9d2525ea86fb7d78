package dev.apprentice.quant.packed;

import dev.apprentice.quant.WeightEncoding;

/**
 * The packed operators as plain scalar loops, written straight from the specification in
 * {@link Epilogue} and {@link LowBitBackend}: slow, obviously correct, the oracle the fast CPU
 * and GPU backends are tested against bit for bit.
 */
public final class ReferenceBackend implements LowBitBackend {

    /** Activations on the host: floats, or codes stored as ints. */
    record Host(int batch, int channels, int height, int width, int bits, float[] values, int[] codes)
            implements Activations {}

    record Prepared(PackedConv source, int[][] rows) implements Layer {}

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Layer prepare(PackedConv conv) {
        if (conv.encoding() == WeightEncoding.F32) return new Prepared(conv, null);
        int[][] rows = new int[conv.outChannels()][];
        for (int o = 0; o < rows.length; o++) rows[o] = conv.rowCodes(o);
        return new Prepared(conv, rows);
    }

    @Override
    public Activations upload(float[] nchw, int batch, int channels, int height, int width) {
        if (nchw.length != (long) batch * channels * height * width)
            throw new IllegalArgumentException(nchw.length + " values for " + batch + "×" + channels + "×" + height + "×" + width);
        return new Host(batch, channels, height, width, 0, nchw.clone(), null);
    }

    @Override
    public Activations conv(Activations input, Layer layer, Activations residual, int outBits) {
        Host x = (Host) input;
        Prepared l = (Prepared) layer;
        PackedConv c = l.source();
        checkInput(x, c);
        int oh = c.outSize(x.height()), ow = c.outSize(x.width()), n = x.batch(), k = c.kernel();
        Host r = (Host) residual;
        if (r != null && (r.batch() != n || r.channels() != c.outChannels() || r.height() != oh || r.width() != ow))
            throw new IllegalArgumentException(c.name() + ": residual shape does not match the output");
        int outLevels = outBits > 0 ? (1 << outBits) - 1 : 0;
        int total = n * c.outChannels() * oh * ow;
        float[] values = outBits > 0 ? null : new float[total];
        int[] codes = outBits > 0 ? new int[total] : null;
        int i = 0;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < c.outChannels(); o++) {
                for (int y = 0; y < oh; y++) {
                    for (int xq = 0; xq < ow; xq++, i++) {
                        float acc = 0f;
                        int iacc = 0;
                        int kk = 0;
                        for (int ci = 0; ci < c.inChannels(); ci++) {
                            for (int ki = 0; ki < k; ki++) {
                                for (int kj = 0; kj < k; kj++, kk++) {
                                    int iy = y * c.stride() - c.padding() + ki, ix = xq * c.stride() - c.padding() + kj;
                                    if (iy < 0 || iy >= x.height() || ix < 0 || ix >= x.width()) continue;
                                    int at = ((b * x.channels() + ci) * x.height() + iy) * x.width() + ix;
                                    if (l.rows() == null) acc = Math.fma(c.weights()[o * c.depth() + kk], value(x, at), acc);
                                    else iacc += l.rows()[o][kk] * x.codes()[at];
                                }
                            }
                        }
                        float v = Epilogue.scale(l.rows() == null ? acc : (float) iacc, c.outScale()[o], c.outBias()[o]);
                        if (r != null) v += value(r, i);
                        if (outBits > 0) codes[i] = Epilogue.quantize(v, outLevels);
                        else values[i] = v;
                    }
                }
            }
        }
        return new Host(n, c.outChannels(), oh, ow, outBits, values, codes);
    }

    @Override
    public float[] poolLinear(Activations input, Layer classifier) {
        Host x = (Host) input;
        PackedConv c = classifier.source();
        if (c.encoding() != WeightEncoding.F32 || c.kernel() != 1)
            throw new IllegalArgumentException(c.name() + ": the classifier must be an F32 layer with kernel 1");
        if (x.channels() != c.inChannels())
            throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, input has " + x.channels());
        int n = x.batch(), ch = x.channels(), hw = x.height() * x.width();
        float[] logits = new float[n * c.outChannels()];
        float[] pooled = new float[ch];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < ch; ci++) {
                int base = (b * ch + ci) * hw;
                if (x.bits() > 0) {
                    int sum = 0;
                    for (int j = 0; j < hw; j++) sum += x.codes()[base + j];
                    pooled[ci] = (float) sum / (float) (((1 << x.bits()) - 1) * hw);
                } else {
                    float sum = 0f;
                    for (int j = 0; j < hw; j++) sum += x.values()[base + j];
                    pooled[ci] = sum / hw;
                }
            }
            for (int o = 0; o < c.outChannels(); o++) {
                float acc = 0f;
                for (int ci = 0; ci < ch; ci++) acc = Math.fma(c.weights()[o * ch + ci], pooled[ci], acc);
                logits[b * c.outChannels() + o] = Epilogue.scale(acc, c.outScale()[o], c.outBias()[o]);
            }
        }
        return logits;
    }

    @Override
    public void free(Activations activations) {
        // host memory: the garbage collector frees it
    }

    @Override
    public void close() {}

    /** The codes (or floats) of a reference activation, for comparing backends. */
    public static int[] codes(Activations a) {
        return ((Host) a).codes();
    }

    public static float[] values(Activations a) {
        return ((Host) a).values();
    }

    private static float value(Host h, int at) {
        return h.bits() > 0 ? Epilogue.dequantize(h.codes()[at], (1 << h.bits()) - 1) : h.values()[at];
    }

    private static void checkInput(Host x, PackedConv c) {
        if (x.channels() != c.inChannels())
            throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, input has " + x.channels());
        if (x.bits() != c.inBits())
            throw new IllegalArgumentException(c.name() + " expects " + (c.inBits() == 0 ? "float" : c.inBits() + "-bit code") + " input, got "
                    + (x.bits() == 0 ? "floats" : x.bits() + "-bit codes"));
    }
}
