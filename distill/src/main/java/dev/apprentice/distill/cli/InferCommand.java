package dev.apprentice.distill.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.apprentice.distill.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "infer", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Classify images (PNG or JPEG of the model's input size) with a model file: a packed one runs on the packed kernels. The three most likely classes of each, by number and name.")
final class InferCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file from train (model.safetensors) or a packed one (from export, or model.packed.safetensors).")
    Path modelFile;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "Images to classify (at least one).")
    List<Path> images;

    @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--json", description = "One JSON object a line per image: {\"image\", \"top\": [{\"class\", \"name\", \"probability\"}, ...]}.")
    boolean json;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        try (Classifier classifier = Classifier.open(modelFile, device)) {
            for (Path image : images) {
                float[] p = classifier.probabilities(image);
                JsonArray top = new JsonArray();
                StringBuilder sb = new StringBuilder(image.toString()).append(':');
                boolean[] used = new boolean[p.length];
                for (int r = 0; r < Math.min(3, p.length); r++) {
                    int best = -1;
                    for (int j = 0; j < p.length; j++) if (!used[j] && (best < 0 || p[j] > p[best])) best = j;
                    used[best] = true;
                    JsonObject o = new JsonObject();
                    o.addProperty("class", best);
                    o.addProperty("name", classifier.className(best));
                    o.addProperty("probability", p[best]);
                    top.add(o);
                    String name = classifier.className(best);
                    sb.append(String.format("  %s %.1f%%", name.equals("class " + best) ? name : name + " (" + best + ")", 100 * p[best]));
                }
                if (json) {
                    JsonObject line = new JsonObject();
                    line.addProperty("image", image.toString());
                    line.add("top", top);
                    System.out.println(line);
                } else {
                    System.out.println(sb);
                }
            }
        }
        return 0;
    }
}
