package dev.apprentice.tests;

import dev.apprentice.distill.apprentice.Distillation;
import dev.apprentice.distill.data.FashionMnist;
import dev.apprentice.distill.data.Normalization;
import dev.apprentice.distill.data.Splits;
import dev.apprentice.distill.model.ModelFiles;
import dev.apprentice.distill.model.ModelSpec;
import dev.apprentice.distill.model.PackedModels;
import dev.apprentice.distill.train.Evaluation;
import dev.apprentice.distill.train.Progress;
import dev.apprentice.distill.train.TrainConfig;
import dev.apprentice.distill.train.Trainer;
import dev.apprentice.nn.Module;
import dev.apprentice.quant.Precision;
import dev.apprentice.quant.QuantConfig;
import dev.apprentice.quant.cpu.CpuBackend;
import dev.apprentice.quant.packed.PackedModel;
import dev.apprentice.quant.packed.PackedModelFile;
import dev.apprentice.quant.packed.PackedNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trained a8w2 and a8w4 students, exported and run on the integer kernels, agree with their
 * fake-quantized float versions; packed files are as small as the format promises.
 */
class PackedModelTest {
    @TempDir
    static Path tmp;
    private static Splits data;

    @BeforeAll
    static void load() throws IOException {
        data = FashionMnist.embedded();
    }

    static Path train(String precision) throws IOException {
        Path dir = tmp.resolve(precision);
        TrainConfig cfg = new TrainConfig("resnet8", 0.5, QuantConfig.of(Precision.parse(precision)), 2, 64, 0.1, "onecycle", 0.15, 0.9,
                true, 5e-4, 2, true, 3, dir, Distillation.NONE);
        Trainer.Result r = new Trainer(cfg, data, new PrintStream(new ByteArrayOutputStream()), Progress.QUIET).run(false, false);
        assertTrue(Files.exists(r.packedFile()), "train writes the packed student");
        return dir;
    }

    @Test
    void packedIntegerInferenceAgreesWithTheFakeQuantizedModel() throws IOException {
        for (String precision : new String[] {"a8w2", "a8w4", "a4w4", "a4w2"}) {
            Path dir = train(precision);
            ModelFiles.Loaded fake = ModelFiles.load(dir.resolve(Trainer.MODEL), null);
            Normalization norm = fake.spec().norm();
            int n = data.test().size();
            int[] floatPred = new int[n], packedPred = new int[n];
            Evaluation f = Evaluation.of(x -> fake.model().eval().forward(x), data.test(), norm, 250, floatPred);
            PackedModel packed = PackedModelFile.read(dir.resolve(Trainer.PACKED));
            Evaluation p;
            try (PackedNetwork net = new PackedNetwork(packed, new CpuBackend())) {
                p = Evaluation.of(PackedModels.classifier(net, 10), data.test(), norm, 250, packedPred);
            }
            int same = 0;
            for (int i = 0; i < n; i++) if (floatPred[i] == packedPred[i]) same++;
            assertTrue(f.top1() > 50, precision + " trained to " + f.top1() + "%: too little to compare");
            assertTrue(same >= 0.995 * n, precision + ": only " + same + " of " + n + " predictions agree");
            assertEquals(f.top1(), p.top1(), 0.2, precision + ": accuracy fake-quantized vs packed");
            System.out.printf("%s: fake-quantized %.2f%%, packed %.2f%%, %d of %d predictions identical%n", precision, f.top1(), p.top1(), same, n);
        }
    }

    /** Packed weights of a ResNet-56, end layers and per-channel vectors included, against its fp32 file. */
    @Test
    void packedResNet56IsTwelveTimesSmallerTernaryAndSixTimesAtFourBits() throws IOException {
        for (String precision : new String[] {"a8w2", "a8w4", "a4w4", "a4w2"}) {
            ModelSpec spec = new ModelSpec("resnet56", 1, 1, 28, 28, 10, new Normalization(new float[] {0.3f}, new float[] {0.35f}),
                    QuantConfig.of(Precision.parse(precision)));
            Module model = spec.build(1);
            Path fp32 = tmp.resolve("r56-" + precision + ".safetensors"), packed = tmp.resolve("r56-" + precision + ".packed.safetensors");
            ModelFiles.save(fp32, spec, model);
            PackedModel m = PackedModels.export(model, spec, packed);
            double fileRatio = Files.size(fp32) / (double) Files.size(packed);
            double weightRatio = 4.0 * model.parameterCount() / m.parameterBytes();
            double need = precision.endsWith("w2") ? 12 : 6; // ternary or 4-bit weights
            assertTrue(weightRatio >= need, precision + ": weights only " + weightRatio + "× smaller");
            assertTrue(fileRatio >= need, precision + ": file only " + fileRatio + "× smaller");
        }
    }
}
