package dev.apprentice.distill.train;

import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.engine.optim.OptimizerState;
import dev.apprentice.engine.tensor.Tensor;
import dev.apprentice.nn.Module;
import dev.apprentice.nn.io.ModelFileException;
import dev.apprentice.nn.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of a run after a finished epoch, or within one (stepInEpoch steps of epoch + 1 done, with
 * that epoch's running sums and training seconds so far, so its metrics row comes out whole): the student ("model." + name), a teacher trained
 * alongside ("teacher." + name, scheme A), optimizer buffers ("optim." + name), and metadata
 * (epoch, seconds spent so far, optimizer step and lr, the run's config and model spec, and a frozen
 * teacher's test evaluation, which a resumed run or the next stage of a distributed one then need not
 * repeat). One safetensors file, written atomically with a checksum.
 *
 * @param frozenTeacherTest the frozen teacher's test evaluation, or null (no frozen teacher, or an older checkpoint)
 */
public record Checkpoint(int epoch, int stepInEpoch, double[] epochSums, double epochSeconds, double seconds, Map<String, Tensor> model, Map<String, Tensor> teacher, OptimizerState optimizer,
                         Map<String, String> config, Map<String, String> spec, Evaluation frozenTeacherTest) {
    private static final String MODEL = "model.", TEACHER = "teacher.", OPTIM = "optim.", CONFIG = "config.", SPEC = "spec.",
            FROZEN_TEACHER_TEST = "frozen_teacher_test";

    /** After a finished epoch. @param teacher a teacher trained in the same run, or null; frozenTeacherTest: see the record */
    static void save(Path file, int epoch, double seconds, Module model, Module teacher, OptimizerState opt,
                     TrainConfig cfg, ModelSpec spec, Evaluation frozenTeacherTest) throws IOException {
        save(file, epoch, 0, null, 0, seconds, model, teacher, opt, cfg, spec, frozenTeacherTest);
    }

    /** Within epoch + 1, after stepInEpoch of its steps (0: at the end of epoch), its sums and seconds so far. */
    static void save(Path file, int epoch, int stepInEpoch, double[] epochSums, double epochSeconds, double seconds, Module model,
                     Module teacher, OptimizerState opt, TrainConfig cfg, ModelSpec spec, Evaluation frozenTeacherTest) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> tensors.put(MODEL + k, v));
        if (teacher != null) teacher.stateDict().forEach((k, v) -> tensors.put(TEACHER + k, v));
        opt.buffers().forEach((k, v) -> tensors.put(OPTIM + k, Tensor.of(v, v.length)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "apprentice-checkpoint-1");
        meta.put("epoch", Integer.toString(epoch));
        meta.put("seconds", Double.toString(seconds));
        if (stepInEpoch > 0) {
            meta.put("step_in_epoch", Integer.toString(stepInEpoch));
            meta.put("epoch_sums", java.util.Arrays.stream(epochSums).mapToObj(Double::toString).collect(java.util.stream.Collectors.joining(",")));
            meta.put("epoch_train_seconds", Double.toString(epochSeconds));
        }
        if (frozenTeacherTest != null) meta.put(FROZEN_TEACHER_TEST, frozenTeacherTest.top1() + "," + frozenTeacherTest.top5() + ","
                + frozenTeacherTest.loss() + "," + frozenTeacherTest.images());
        meta.put("optim_steps", Long.toString(opt.steps()));
        meta.put("optim_lr", Double.toString(opt.lr()));
        cfg.fingerprint().forEach((k, v) -> meta.put(CONFIG + k, v));
        spec.toMetadata().forEach((k, v) -> meta.put(SPEC + k, v));
        SafeTensors.write(file, tensors, meta);
    }

    public static Checkpoint load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> m = c.metadata();
        if (!"apprentice-checkpoint-1".equals(m.get("format")))
            throw new ModelFileException(file + " is not a training checkpoint of this tool");
        Map<String, Tensor> model = new LinkedHashMap<>(), teacher = new LinkedHashMap<>();
        Map<String, float[]> buffers = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith(MODEL)) model.put(k.substring(MODEL.length()), v);
            else if (k.startsWith(TEACHER)) teacher.put(k.substring(TEACHER.length()), v);
            else if (k.startsWith(OPTIM)) buffers.put(k.substring(OPTIM.length()), v.data());
            else throw new ModelFileException(file + ": unexpected tensor " + k);
        });
        try {
            OptimizerState opt = new OptimizerState(Long.parseLong(m.get("optim_steps")), Double.parseDouble(m.get("optim_lr")), buffers);
            String sums = m.getOrDefault("epoch_sums", "");
            double[] epochSums = sums.isEmpty() ? new double[0] : java.util.Arrays.stream(sums.split(",")).mapToDouble(Double::parseDouble).toArray();
            int stepInEpoch = Integer.parseInt(m.getOrDefault("step_in_epoch", "0"));
            if (stepInEpoch > 0 && epochSums.length != EpochSums.VALUES)
                throw new IllegalArgumentException("epoch_sums has " + epochSums.length + " values, not " + EpochSums.VALUES);
            Evaluation frozenTeacherTest = null;
            if (m.containsKey(FROZEN_TEACHER_TEST)) {
                String[] f = m.get(FROZEN_TEACHER_TEST).split(",");
                if (f.length != 4) throw new IllegalArgumentException(FROZEN_TEACHER_TEST + " has " + f.length + " fields, not 4");
                frozenTeacherTest = new Evaluation(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Integer.parseInt(f[3]));
            }
            return new Checkpoint(Integer.parseInt(m.get("epoch")), stepInEpoch, epochSums,
                    Double.parseDouble(m.getOrDefault("epoch_train_seconds", "0")), Double.parseDouble(m.getOrDefault("seconds", "0")), model, teacher, opt,
                    strip(m, CONFIG), strip(m, SPEC), frozenTeacherTest);
        } catch (RuntimeException e) {
            throw new ModelFileException(file + ": damaged checkpoint metadata (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> strip(Map<String, String> m, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}
