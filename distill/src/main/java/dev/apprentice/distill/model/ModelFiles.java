package dev.apprentice.distill.model;

import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.nn.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Saving and loading trained networks as safetensors files with a {@link ModelSpec}. */
public final class ModelFiles {
    private ModelFiles() {}

    /** A network and the spec it was built from. */
    public record Loaded(ModelSpec spec, Module model) {}

    public static void save(Path file, ModelSpec spec, Module model) throws IOException {
        SafeTensors.write(file, model.stateDict(), spec.toMetadata());
    }

    /**
     * Loads a model file. A file from another tool (e.g. a PyTorch state dict saved with
     * safetensors) has no spec: pass one as fallback. PyTorch's num_batches_tracked counters
     * are ignored.
     */
    public static Loaded load(Path file, ModelSpec fallback) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        ModelSpec spec;
        if (c.metadata().containsKey("arch")) {
            try {
                spec = ModelSpec.fromMetadata(c.metadata());
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file + ": " + e.getMessage());
            }
        } else if (fallback != null) {
            spec = fallback;
        } else {
            throw new ModelFileException(file + " does not say which network it holds (no 'arch' metadata, as in a PyTorch state dict): name it (eval --arch, train --teacher)");
        }
        Module model;
        try {
            model = spec.build(0);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage());
        }
        Map<String, Tensor> state = new LinkedHashMap<>(c.tensors());
        state.keySet().removeIf(k -> k.endsWith("num_batches_tracked"));
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + " does not match " + spec.arch() + ": " + e.getMessage());
        }
        return new Loaded(spec, model);
    }
}
