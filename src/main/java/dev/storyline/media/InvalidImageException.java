package dev.storyline.media;

/** A file that cannot become a story (R32 errors): the message is what the user is told. */
public final class InvalidImageException extends Exception {
    private final boolean tooLarge;

    public InvalidImageException(String message) {
        this(message, false);
    }

    private InvalidImageException(String message, boolean tooLarge) {
        super(message, null, false, false);
        this.tooLarge = tooLarge;
    }

    /** A readable image with more pixels than {@code MAX_IMAGE_PIXELS} (D25). */
    static InvalidImageException tooLarge(String message) {
        return new InvalidImageException(message, true);
    }

    /** Whether the image was readable but refused for its size, not for its content. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
