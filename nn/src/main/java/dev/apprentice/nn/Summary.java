package dev.apprentice.nn;

import dev.apprentice.engine.autograd.GradMode;
import dev.apprentice.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer facts of a model: output shape, parameters, multiply-accumulates and stored bytes,
 * found by running one sample through it and watching the leaf layers (the CLI's summary prints them).
 */
public final class Summary {
    /** One leaf layer's row; bytes are its parameters and buffers at 4 bytes each. */
    public record Row(String name, String layer, int[] outShape, long params, long macs, long bytes) {}

    private final List<Row> rows;

    private Summary(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Traces model on one zero sample of the given shape (C×H×W, without the batch). */
    public static Summary of(Module model, int... sampleShape) {
        Map<Module, String> names = new IdentityHashMap<>();
        model.namedModules().forEach((name, m) -> names.put(m, name));
        List<Row> rows = new ArrayList<>();
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = 1;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        boolean wasTraining = model.training();
        model.eval();
        try (var noGrad = GradMode.off()) {
            Trace.watching(e -> {
                long params = 0, bytes = 0;
                for (Tensor p : e.layer().namedParameters().values()) params += p.size();
                for (Tensor t : e.layer().stateDict().values()) bytes += 4L * t.size();
                rows.add(new Row(names.getOrDefault(e.layer(), "?"), e.layer().toString(), e.outShape(), params, e.macs(), bytes));
            }, () -> model.forward(Tensor.zeros(shape)));
        } finally {
            model.train(wasTraining);
        }
        return new Summary(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    public long totalParams() {
        return rows.stream().mapToLong(Row::params).sum();
    }

    public long totalMacs() {
        return rows.stream().mapToLong(Row::macs).sum();
    }

    /** Floats of all leaf layers' outputs for one sample: what a forward pass keeps for backward, per sample. */
    public long activationFloats() {
        long n = 0;
        for (Row r : rows) {
            long size = 1;
            for (int i = 1; i < r.outShape().length; i++) size *= r.outShape()[i];
            n += size;
        }
        return n;
    }

    public long totalBytes() {
        return rows.stream().mapToLong(Row::bytes).sum();
    }
}
