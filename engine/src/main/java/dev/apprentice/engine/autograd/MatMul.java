package dev.apprentice.engine.autograd;

import dev.apprentice.engine.kernel.Sgemm;
import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.Tensor;

/** Matrix products on top of the SGEMM kernel; backward passes are SGEMMs with transposes. */
public final class MatMul {
    private MatMul() {}

    /**
     * Matrix product: (m×k)·(k×n) → m×n; batched (B×m×k)·(B×k×n) → B×m×n; and (B×m×k)·(k×n),
     * where the right operand is shared by every batch element.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 2 && b.rank() == 2) return batched(a, b, 1, false);
        if (a.rank() == 3 && b.rank() == 3) {
            if (a.dim(0) != b.dim(0)) throw mismatch(a, b);
            return batched(a, b, a.dim(0), false);
        }
        if (a.rank() == 3 && b.rank() == 2) return batched(a, b, a.dim(0), true);
        throw new IllegalArgumentException("matmul takes 2-D or 3-D operands, got " + Arith.shapes(a, b));
    }

    private static IllegalArgumentException mismatch(Tensor a, Tensor b) {
        return new IllegalArgumentException("matmul shapes do not match: " + Arith.shapes(a, b));
    }

    private static Tensor batched(Tensor a, Tensor b, int batch, boolean sharedB) {
        int m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
        if (b.dim(-2) != k) throw mismatch(a, b);
        float[] ad = a.data(), bd = b.data();
        float[] out = new float[batch * m * n];
        int sa = m * k, sb = sharedB ? 0 : k * n, sc = m * n;
        for (int i = 0; i < batch; i++)
            Sgemm.sgemm(false, false, m, n, k, 1f, ad, i * sa, k, bd, i * sb, n, 0f, out, i * sc, n);
        int[] shape = a.rank() == 2 ? new int[] {m, n} : new int[] {batch, m, n};
        return Tensor.result(out, shape, "matmul", g -> {
            if (a.requiresGrad()) {
                float[] ga = a.gradBuffer(); // dA = dC · Bᵀ
                for (int i = 0; i < batch; i++)
                    Sgemm.sgemm(false, true, m, k, n, 1f, g, i * sc, n, bd, i * sb, n, 1f, ga, i * sa, k);
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradBuffer(); // dB = Aᵀ · dC (summed over the batch when shared)
                for (int i = 0; i < batch; i++)
                    Sgemm.sgemm(true, false, k, n, m, 1f, ad, i * sa, k, g, i * sc, n, 1f, gb, i * sb, n);
            }
        }, a, b);
    }

    /** Fully connected layer: x (N×in) · wᵀ (w: out×in) + bias (out, may be null) → N×out. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + " does not match weight " + Shape.str(w.shape()) + " (out×in)");
        int batch = x.dim(0), in = x.dim(1), outF = w.dim(0);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != outF))
            throw new IllegalArgumentException("linear: bias " + Shape.str(bias.shape()) + " does not match " + outF + " outputs");
        float[] xd = x.data(), wd = w.data();
        float[] y = new float[batch * outF];
        if (bias != null) for (int r = 0; r < batch; r++) System.arraycopy(bias.data(), 0, y, r * outF, outF);
        Sgemm.sgemm(false, true, batch, outF, in, 1f, xd, 0, in, wd, 0, in, bias == null ? 0f : 1f, y, 0, outF);
        return Tensor.result(y, new int[] {batch, outF}, "linear", g -> {
            if (x.requiresGrad())
                Sgemm.sgemm(false, false, batch, in, outF, 1f, g, 0, outF, wd, 0, in, 1f, x.gradBuffer(), 0, in);
            if (w.requiresGrad())
                Sgemm.sgemm(true, false, outF, in, batch, 1f, g, 0, outF, xd, 0, in, 1f, w.gradBuffer(), 0, in);
            if (bias != null && bias.requiresGrad()) {
                float[] gb = bias.gradBuffer();
                for (int r = 0; r < batch; r++)
                    for (int j = 0; j < outF; j++) gb[j] += g[r * outF + j];
            }
        }, x, w, bias);
    }
}
