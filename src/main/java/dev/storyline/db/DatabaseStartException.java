package dev.storyline.db;

/** The database cannot be used; the message is one line a user can act on. */
public final class DatabaseStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseStartException(String message) {
        super(message);
    }

    public DatabaseStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The innermost cause's message, for one-line reports. */
    public static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
