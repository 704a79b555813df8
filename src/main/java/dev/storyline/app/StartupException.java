package dev.storyline.app;

/** A part of the application could not start; the message is one line a user can act on. */
public final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
