package dev.apprentice.engine.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's internal state for checkpoints: its step count, current learning rate and
 * named buffers (e.g. {@code "group0.param3.momentum"}). Buffer order is the optimizer's
 * parameter order, so writing them out in iteration order is deterministic.
 */
public record OptimizerState(long steps, double lr, Map<String, float[]> buffers) {

    public OptimizerState {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        // Copied so neither the caller nor the optimizer can change a saved state afterwards.
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            if (e.getKey() == null || e.getValue() == null)
                throw new IllegalArgumentException("null buffer name or value in optimizer state");
            copy.put(e.getKey(), e.getValue().clone());
        }
        buffers = Collections.unmodifiableMap(copy);
    }

    /** The named buffer (the stored array: do not modify), or null if absent. */
    public float[] buffer(String name) {
        return buffers.get(name);
    }
}
