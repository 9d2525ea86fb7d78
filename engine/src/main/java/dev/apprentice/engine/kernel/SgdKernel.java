package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGD parameter update, one pass over a parameter, fused so each array is read and written
 * once. The arithmetic follows PyTorch's per-element formulas in the same order, and uses a
 * fused multiply-add wherever PyTorch's vectorized {@code add(x, alpha=a)} does ({@code x*a + y}
 * rounded once), so results match it bit for bit:
 * <pre>
 *   d   = g + wd*p                               (only when wd != 0)
 *   buf = d                                      (first step with momentum)
 *   buf = (buf*momentum) + dampKeep*d            (later steps; dampKeep = 1 - dampening)
 *   d   = nesterov ? d + momentum*buf : buf      (only with momentum)
 *   p   = p + negLr*d
 * </pre>
 */
public final class SgdKernel {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();

    private SgdKernel() {}

    /**
     * Updates p[0, n) in place from the gradient g. buf is the momentum buffer (null for plain
     * SGD); with firstStep it is filled with d instead of being decayed.
     */
    public static void step(float[] p, float[] g, float[] buf, int n, float negLr, float wd,
                            float momentum, float dampKeep, boolean nesterov, boolean firstStep) {
        if (buf == null) plain(p, g, n, negLr, wd);
        else withMomentum(p, g, buf, n, negLr, wd, momentum, dampKeep, nesterov, firstStep);
    }

    private static void plain(float[] p, float[] g, int n, float negLr, float wd) {
        if (!VectorWidth.VECTOR) {
            plainScalar(p, g, 0, n, negLr, wd);
            return;
        }
        boolean decay = wd != 0f;
        FloatVector vWd = FloatVector.broadcast(S, wd), vLr = FloatVector.broadcast(S, negLr);
        int i = 0, vEnd = S.loopBound(n);
        for (; i < vEnd; i += L) {
            FloatVector vp = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            if (decay) d = vp.fma(vWd, d);
            d.fma(vLr, vp).intoArray(p, i);
        }
        plainScalar(p, g, i, n, negLr, wd);
    }

    private static void withMomentum(float[] p, float[] g, float[] buf, int n, float negLr, float wd,
                                     float momentum, float dampKeep, boolean nesterov, boolean firstStep) {
        if (!VectorWidth.VECTOR) {
            withMomentumScalar(p, g, buf, 0, n, negLr, wd, momentum, dampKeep, nesterov, firstStep);
            return;
        }
        boolean decay = wd != 0f;
        FloatVector vWd = FloatVector.broadcast(S, wd), vLr = FloatVector.broadcast(S, negLr);
        FloatVector vM = FloatVector.broadcast(S, momentum), vKeep = FloatVector.broadcast(S, dampKeep);
        int i = 0, vEnd = S.loopBound(n);
        for (; i < vEnd; i += L) {
            FloatVector vp = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            if (decay) d = vp.fma(vWd, d);
            FloatVector b = firstStep ? d : d.fma(vKeep, FloatVector.fromArray(S, buf, i).mul(vM));
            b.intoArray(buf, i);
            d = nesterov ? b.fma(vM, d) : b;
            d.fma(vLr, vp).intoArray(p, i);
        }
        withMomentumScalar(p, g, buf, i, n, negLr, wd, momentum, dampKeep, nesterov, firstStep);
    }

    /**
     * The scalar twin of the plain update over p[from, to): the whole parameter where the JVM
     * compiles no vector code, else the tail after the last whole vector (same formula per element).
     */
    static void plainScalar(float[] p, float[] g, int from, int to, float negLr, float wd) {
        boolean decay = wd != 0f;
        for (int i = from; i < to; i++) {
            float d = decay ? Math.fma(p[i], wd, g[i]) : g[i];
            p[i] = Math.fma(d, negLr, p[i]);
        }
    }

    /** The scalar twin of the momentum update over [from, to), as {@link #plainScalar}. */
    static void withMomentumScalar(float[] p, float[] g, float[] buf, int from, int to, float negLr, float wd,
                                   float momentum, float dampKeep, boolean nesterov, boolean firstStep) {
        boolean decay = wd != 0f;
        for (int i = from; i < to; i++) {
            float d = decay ? Math.fma(p[i], wd, g[i]) : g[i];
            float b = firstStep ? d : Math.fma(d, dampKeep, buf[i] * momentum);
            buf[i] = b;
            d = nesterov ? Math.fma(b, momentum, d) : b;
            p[i] = Math.fma(d, negLr, p[i]);
        }
    }
}
