package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Reverse-mode sweep over the graph recorded behind a tensor. */
public final class Backprop {
    private Backprop() {}

    /**
     * Adds d(root)/d(leaf) · seed to the grad of every leaf that requires it. Intermediate
     * gradients and the graph are released afterwards, as in PyTorch without retain_graph.
     */
    public static void run(Tensor root, float[] seed) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward() on a tensor that does not require grad (no parameter in its graph, or built under GradMode.off())");
        if (seed.length != root.size())
            throw new IllegalArgumentException("seed of " + seed.length + " values for a tensor of " + root.size());
        List<Tensor> order = topologicalOrder(root);
        root.accumulateGrad(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Node node = t.node();
            float[] g = t.grad();
            if (node != null && g != null) node.backward().run(g);
            if (node != null) {
                t.releaseGraph();
            }
        }
    }

    /** Tensors reachable from root through nodes, inputs before the tensors made from them. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        // Iterative post-order DFS: deep ResNets would overflow a recursive one.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            if (t.graphReleased())
                throw new IllegalStateException("backward through a graph that an earlier backward already used and freed; run the forward pass again");
            Tensor[] inputs = t.node() == null ? new Tensor[0] : t.node().inputs();
            if (next < inputs.length) {
                top[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return Collections.unmodifiableList(order);
    }
}
