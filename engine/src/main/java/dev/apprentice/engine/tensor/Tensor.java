package dev.apprentice.engine.tensor;

import dev.apprentice.engine.autograd.Arith;
import dev.apprentice.engine.autograd.Backprop;
import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.autograd.MatMul;
import dev.apprentice.engine.autograd.Node;
import dev.apprentice.engine.autograd.Reduce;
import dev.apprentice.engine.autograd.Reshape;
import dev.apprentice.engine.autograd.Softmax;

import java.util.Arrays;
import java.util.Random;

/**
 * A contiguous, row-major float32 tensor (NCHW for images) that may record how it was computed
 * so gradients can flow back to it. Data is a plain array: kernels read and write it directly.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;
    private boolean requiresGrad;
    private float[] grad;
    private Node node;
    private boolean graphReleased;

    private Tensor(float[] data, int[] shape) {
        int n = Shape.size(shape);
        if (data.length != n)
            throw new IllegalArgumentException(data.length + " values do not fill shape " + Shape.str(shape) + " (" + n + ")");
        this.data = data;
        this.shape = shape.clone();
    }

    // ---- creation ----------------------------------------------------------------------------

    /** Wraps data (not copied) as a tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.size(shape)], shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.size(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape);
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    /** Standard normal values times std, drawn from rng (deterministic for a seeded rng). */
    public static Tensor randn(Random rng, float std, int... shape) {
        float[] d = new float[Shape.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian() * std;
        return new Tensor(d, shape);
    }

    /** Uniform values in [lo, hi). */
    public static Tensor uniform(Random rng, float lo, float hi, int... shape) {
        float[] d = new float[Shape.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return new Tensor(d, shape);
    }

    /**
     * The result of an op: records node as its origin when grad mode is on and any input
     * requires grad. Ops call this; users rarely need to.
     */
    public static Tensor result(float[] data, int[] shape, String op, Node.Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (GradMode.enabled()) {
            for (Tensor in : inputs) {
                if (in != null && in.requiresGrad) {
                    out.requiresGrad = true;
                    out.node = new Node(op, inputs, backward);
                    break;
                }
            }
        }
        return out;
    }

    // ---- shape and data ----------------------------------------------------------------------

    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    public int size() {
        return data.length;
    }

    public float item() {
        if (data.length != 1) throw new IllegalStateException("item() on a tensor of shape " + Shape.str(shape));
        return data[0];
    }

    public boolean sameShape(Tensor o) {
        return Arrays.equals(shape, o.shape);
    }

    /** A copy of the values with no graph and no grad. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    /** The same values (shared, not copied) cut off from the graph. */
    public Tensor detach() {
        return new Tensor(data, shape);
    }

    // ---- gradients ---------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks this leaf as a parameter whose gradient backward() fills in. Returns this. */
    public Tensor requireGrad() {
        return requireGrad(true);
    }

    public Tensor requireGrad(boolean on) {
        if (node != null) throw new IllegalStateException("requireGrad() is for leaf tensors, not results of ops");
        this.requiresGrad = on;
        return this;
    }

    /** The accumulated gradient, or null before any backward reached this tensor. */
    public float[] grad() {
        return grad;
    }

    /**
     * The gradient array, allocated as zeros if absent: kernels accumulate into it in place. An
     * intermediate's comes from the open {@link StepArena}, if any (it dies with the step); a
     * leaf's (a parameter's) is its own, as it must outlive the step.
     */
    public float[] gradBuffer() {
        if (grad == null) grad = newGradArray(true);
        return grad;
    }

    /**
     * The gradient array for a kernel that writes every element of the first gradient this tensor
     * receives, instead of adding to zeros (callers check {@link #grad()} == null first): its
     * contents are unspecified until then. From the open {@link StepArena} for an intermediate.
     */
    public float[] newGrad() {
        if (grad != null) throw new IllegalStateException("newGrad() on a tensor that already has a gradient: add to grad() instead");
        grad = newGradArray(false);
        return grad;
    }

    /**
     * A gradient-sized array: an intermediate's from the open {@link StepArena}, if any (zeroed or
     * not, as asked; it dies with the step), a leaf's (a parameter's) its own zeroed one, as it
     * must outlive the step.
     */
    private float[] newGradArray(boolean zeroed) {
        if (node == null) return new float[data.length];
        return zeroed ? StepArena.zeros(data.length) : StepArena.overwritten(data.length);
    }

    /** Adds g to the gradient (element-wise; same size as the tensor). */
    public void accumulateGrad(float[] g) {
        if (g.length != data.length)
            throw new IllegalArgumentException("gradient of " + g.length + " values for a tensor of " + data.length);
        if (grad == null) {
            grad = newGradArray(false);
            dev.apprentice.engine.kernel.Elementwise.copy(g, grad);
        } else {
            dev.apprentice.engine.kernel.Elementwise.addInPlace(grad, g, 0, g.length);
        }
    }

    /** Forgets the gradient (the next backward starts from zero). */
    public void zeroGrad() {
        grad = null;
    }

    /** The op that made this tensor, or null for a leaf. */
    public Node node() {
        return node;
    }

    /** Drops the recorded graph behind this tensor (called after backward has used it). */
    public void releaseGraph() {
        node = null;
        grad = null;
        graphReleased = true;
    }

    /** True once a backward pass has consumed the graph that made this tensor. */
    public boolean graphReleased() {
        return graphReleased;
    }

    /** Back-propagates from this scalar (seed 1). */
    public void backward() {
        if (data.length != 1)
            throw new IllegalStateException("backward() without a seed needs a scalar, got shape " + Shape.str(shape));
        Backprop.run(this, new float[] {1f});
    }

    /** Back-propagates with an explicit output gradient. */
    public void backward(float[] seed) {
        Backprop.run(this, seed);
    }

    // ---- ops (see the classes in dev.apprentice.engine.autograd) --------------------------------

    public Tensor add(Tensor o) { return Arith.add(this, o); }
    public Tensor sub(Tensor o) { return Arith.sub(this, o); }
    public Tensor mul(Tensor o) { return Arith.mul(this, o); }
    public Tensor div(Tensor o) { return Arith.div(this, o); }
    public Tensor add(float s) { return Arith.addScalar(this, s); }
    public Tensor mul(float s) { return Arith.mulScalar(this, s); }
    public Tensor neg() { return Arith.neg(this); }
    public Tensor square() { return Arith.square(this); }
    public Tensor relu() { return Arith.relu(this); }
    public Tensor clamp(float lo, float hi) { return Arith.clamp(this, lo, hi); }
    public Tensor roundSte() { return Arith.roundSte(this); }
    public Tensor exp() { return Arith.exp(this); }
    public Tensor log() { return Arith.log(this); }
    public Tensor sum() { return Reduce.sum(this); }
    public Tensor mean() { return Reduce.mean(this); }
    public Tensor sum(boolean keepDim, int... axes) { return Reduce.sum(this, keepDim, axes); }
    public Tensor mean(boolean keepDim, int... axes) { return Reduce.mean(this, keepDim, axes); }
    public Tensor reshape(int... newShape) { return Reshape.reshape(this, newShape); }
    public Tensor flatten() { return Reshape.flatten(this); }
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }
    public Tensor softmax() { return Softmax.softmax(this); }
    public Tensor logSoftmax() { return Softmax.logSoftmax(this); }

    @Override
    public String toString() {
        int show = Math.min(data.length, 8);
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(" [");
        for (int i = 0; i < show; i++) sb.append(i == 0 ? "" : ", ").append(data[i]);
        if (show < data.length) sb.append(", ...");
        sb.append(']');
        if (node != null) sb.append(" <").append(node.op()).append('>');
        return sb.toString();
    }
}
