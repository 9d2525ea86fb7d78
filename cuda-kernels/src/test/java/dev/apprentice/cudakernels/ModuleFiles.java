package dev.apprentice.cudakernels;

import java.nio.file.Files;
import java.nio.file.Path;

/** The cuda-kernels folder, whether tests run from it (Maven) or from the repository root. */
final class ModuleFiles {
    private ModuleFiles() {}

    static Path root() {
        for (Path candidate : new Path[] {Path.of("."), Path.of("cuda-kernels")})
            if (Files.isDirectory(candidate.resolve("src/main/cuda"))) return candidate.normalize();
        throw new IllegalStateException("cannot find cuda-kernels/src/main/cuda from " + Path.of("").toAbsolutePath());
    }

    static Path cudaSources() {
        return root().resolve("src/main/cuda");
    }
}
