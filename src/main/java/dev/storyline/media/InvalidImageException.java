package dev.storyline.media;

/** A file that cannot become a story (R32 errors): the message is what the user is told. */
public final class InvalidImageException extends Exception {
    public InvalidImageException(String message) {
        super(message, null, false, false);
    }
}
