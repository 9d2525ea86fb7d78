package dev.apprentice.distill.train;

import dev.apprentice.distill.data.Splits;

import java.io.IOException;
import java.nio.file.Path;

/** ResumeTest's tiny data and run, for tests in other packages. */
public final class ResumeTestAccess {
    private ResumeTestAccess() {}

    public static Splits tiny() throws IOException {
        return ResumeTest.tiny();
    }

    public static TrainConfig config(Path out, int epochs) {
        return ResumeTest.config(out, epochs);
    }
}
