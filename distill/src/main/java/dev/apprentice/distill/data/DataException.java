package dev.apprentice.distill.data;

/** Missing, truncated or malformed data: a message for the user, not a stack trace. */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
