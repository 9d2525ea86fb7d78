package dev.apprentice.nn;

import dev.apprentice.engine.tensor.Shape;
import dev.apprentice.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A layer or network: named parameters (tensors that train), named buffers (state that does
 * not train, such as batchnorm running statistics) and named child modules. Names compose with
 * dots ("layers.0.c1.weight"), as in PyTorch, so state dicts can be exchanged with it.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The layer's computation. */
    public abstract Tensor forward(Tensor x);

    // ---- registration (for subclasses) ---------------------------------------------------------

    protected final Tensor parameter(String name, Tensor value) {
        checkName(name);
        parameters.put(name, value.requireGrad());
        return value;
    }

    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad member name '" + name + "'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("member '" + name + "' registered twice");
    }

    // ---- mode --------------------------------------------------------------------------------

    /** Training mode (batch statistics in batchnorm) for this module and all below it. */
    public Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    public Module eval() {
        return train(false);
    }

    public boolean training() {
        return training;
    }

    // ---- traversal ---------------------------------------------------------------------------

    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every module below and including this one, depth first, by dotted name ("" for this). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        visitModules("", (name, m) -> out.put(name, m));
        return out;
    }

    private void visitModules(String prefix, BiConsumer<String, Module> visitor) {
        visitor.accept(prefix, this);
        for (var e : children.entrySet()) e.getValue().visitModules(join(prefix, e.getKey()), visitor);
    }

    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visitModules("", (name, m) -> m.parameters.forEach((p, t) -> out.put(join(name, p), t)));
        return out;
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visitModules("", (name, m) -> m.buffers.forEach((b, t) -> out.put(join(name, b), t)));
        return out;
    }

    /** Parameters, then buffers, by dotted name: everything needed to restore the model. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>(namedParameters());
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Copies values into this model's parameters and buffers. Every name must exist on both
     * sides with the same shape; the model is left untouched if anything does not match.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), reshaped = new ArrayList<>();
        for (var e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else if (!src.sameShape(e.getValue()))
                reshaped.add(e.getKey() + ": file has " + Shape.str(src.shape()) + ", model has " + Shape.str(e.getValue().shape()));
        }
        for (String k : state.keySet()) if (!mine.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty() || !reshaped.isEmpty())
            throw new IllegalArgumentException("state does not fit this model: " + problems(missing, "missing")
                    + ", " + problems(unexpected, "unexpected") + ", " + problems(reshaped, "of another shape"));
        for (var e : mine.entrySet()) {
            float[] dst = e.getValue().data();
            System.arraycopy(state.get(e.getKey()).data(), 0, dst, 0, dst.length);
        }
    }

    private static String problems(List<String> names, String what) {
        if (names.isEmpty()) return "0 " + what;
        return names.size() + " " + what + " (" + String.join("; ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? "; ..." : "") + ")";
    }

    public void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** Number of trainable values. */
    public long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) n += p.size();
        return n;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
