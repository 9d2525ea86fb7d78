package dev.apprentice.nn.io;

/** A model or checkpoint file that cannot be used: corrupt, truncated, or of another model. */
public final class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
