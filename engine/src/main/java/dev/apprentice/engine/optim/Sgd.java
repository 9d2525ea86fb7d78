package dev.apprentice.engine.optim;

import dev.apprentice.engine.kernel.SgdKernel;
import dev.apprentice.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} semantics: momentum,
 * dampening, Nesterov and L2 weight decay added to the gradient. Parameters come in groups that
 * share one learning rate but may differ in weight decay (batch-norm scales and biases usually
 * get none):
 * <pre>
 *   Sgd sgd = Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(5e-4)
 *           .group(convWeights).group(bnAndBiases, 0.0).build();
 * </pre>
 * A parameter whose gradient is null is skipped entirely, its momentum buffer untouched, as
 * PyTorch does; its buffer starts (as a copy of the gradient) at its first step with one.
 */
public final class Sgd implements Optimizer {
    private final Tensor[] params;
    private final String[] names;      // "group<g>.param<p>", for state keys and messages
    private final double[] weightDecay; // per parameter, from its group
    private final double momentum, dampening;
    private final boolean nesterov;
    private final float[][] buffers;   // momentum buffers; null before a parameter's first step
    private double lr;
    private long steps;

    private Sgd(Builder b, List<Tensor> flat, List<String> flatNames, List<Double> flatWd) {
        this.params = flat.toArray(new Tensor[0]);
        this.names = flatNames.toArray(new String[0]);
        this.weightDecay = flatWd.stream().mapToDouble(Double::doubleValue).toArray();
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.nesterov = b.nesterov;
        this.buffers = new float[params.length][];
        this.lr = b.lr;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void step() {
        // Hyper-parameters enter the float32 arithmetic as PyTorch passes them: computed in
        // double, then rounded to float.
        float negLr = (float) -lr, m = (float) momentum, dampKeep = (float) (1 - dampening);
        for (int i = 0; i < params.length; i++) {
            float[] g = params[i].grad();
            if (g == null) continue;
            boolean first = false;
            if (momentum != 0 && buffers[i] == null) {
                buffers[i] = new float[g.length];
                first = true;
            }
            float[] p = params[i].data();
            SgdKernel.step(p, g, buffers[i], p.length, negLr, (float) weightDecay[i], m, dampKeep, nesterov, first);
        }
        steps++;
    }

    @Override
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    @Override
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        this.lr = Check.nonNegative("lr", lr);
    }

    @Override
    public long steps() {
        return steps;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    /** The parameters in state-key order: group by group, each group in the order given. */
    public List<Tensor> parameters() {
        return List.of(params);
    }

    /** The state key of parameter i's momentum buffer. */
    private String bufferKey(int i) {
        return names[i] + ".momentum";
    }

    @Override
    public OptimizerState state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++)
            if (buffers[i] != null) out.put(bufferKey(i), buffers[i]);
        return new OptimizerState(steps, lr, out); // the record copies the arrays
    }

    @Override
    public void loadState(OptimizerState state) {
        Check.nonNegative("lr in the optimizer state", state.lr());
        Map<String, Integer> index = new LinkedHashMap<>(); // the buffers this SGD can have
        if (momentum != 0) for (int i = 0; i < params.length; i++) index.put(bufferKey(i), i);
        float[][] loaded = new float[params.length][];
        // Validate everything before changing anything.
        for (Map.Entry<String, float[]> e : state.buffers().entrySet()) {
            Integer i = index.get(e.getKey());
            if (i == null)
                throw new IllegalArgumentException("optimizer state has buffer '" + e.getKey()
                        + "' but this SGD has no such buffer (" + describe() + ")");
            if (e.getValue().length != params[i].size())
                throw new IllegalArgumentException("optimizer state buffer '" + e.getKey() + "' has "
                        + e.getValue().length + " values but parameter " + names[i] + " has " + params[i].size());
            loaded[i] = e.getValue().clone();
        }
        System.arraycopy(loaded, 0, buffers, 0, loaded.length);
        steps = state.steps();
        lr = state.lr();
    }

    private String describe() {
        if (momentum == 0) return "momentum 0 keeps no buffers";
        Map<String, Integer> perGroup = new LinkedHashMap<>();
        for (String n : names) perGroup.merge(n.substring(0, n.indexOf('.')), 1, Integer::sum);
        return "momentum buffers are named groupG.paramP.momentum, with parameter counts " + perGroup;
    }

    /** Collects hyper-parameters and groups; {@link #build()} checks them together. */
    public static final class Builder {
        private double lr = Double.NaN, momentum, dampening, weightDecay;
        private boolean nesterov;
        private final List<List<Tensor>> groups = new ArrayList<>();
        private final List<Double> groupDecay = new ArrayList<>(); // null: the builder's weightDecay

        private Builder() {}

        public Builder lr(double lr) {
            this.lr = Check.nonNegative("lr", lr);
            return this;
        }

        public Builder momentum(double momentum) {
            this.momentum = Check.nonNegative("momentum", momentum);
            return this;
        }

        public Builder dampening(double dampening) {
            if (!Double.isFinite(dampening)) throw new IllegalArgumentException("dampening must be finite, got " + dampening);
            this.dampening = dampening;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** The default weight decay, for groups added without their own. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = Check.nonNegative("weightDecay", weightDecay);
            return this;
        }

        /** A group that uses the default weight decay. */
        public Builder group(List<Tensor> params) {
            groups.add(List.copyOf(params));
            groupDecay.add(null);
            return this;
        }

        /** A group with its own weight decay (0 for batch-norm scales and shifts, biases). */
        public Builder group(List<Tensor> params, double weightDecay) {
            groups.add(List.copyOf(params));
            groupDecay.add(Check.nonNegative("weightDecay of group " + (groups.size() - 1), weightDecay));
            return this;
        }

        public Sgd build() {
            if (Double.isNaN(lr)) throw new IllegalArgumentException("SGD needs a learning rate: call lr(...)");
            if (nesterov && (momentum <= 0 || dampening != 0))
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                        + momentum + " and dampening " + dampening);
            List<Tensor> flat = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<Double> decay = new ArrayList<>();
            Map<Tensor, String> seen = new IdentityHashMap<>();
            for (int g = 0; g < groups.size(); g++) {
                List<Tensor> group = groups.get(g);
                for (int p = 0; p < group.size(); p++) {
                    Tensor t = group.get(p);
                    String name = "group" + g + ".param" + p;
                    if (t.node() != null)
                        throw new IllegalArgumentException(name + " is the result of an op ('" + t.node().op()
                                + "'), not a leaf parameter");
                    String before = seen.put(t, name);
                    if (before != null)
                        throw new IllegalArgumentException("the same parameter is both " + before + " and " + name);
                    flat.add(t);
                    names.add(name);
                    decay.add(groupDecay.get(g) != null ? groupDecay.get(g) : weightDecay);
                }
            }
            if (flat.isEmpty()) throw new IllegalArgumentException("SGD got no parameters: add at least one with group(...)");
            return new Sgd(this, flat, names, decay);
        }
    }
}
