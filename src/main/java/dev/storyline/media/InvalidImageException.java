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

    /** A video refused for what it is (D29: its length, its codec, a broken index); the message says which. */
    static InvalidImageException video(String message) {
        return new InvalidImageException(message, true);
    }

    /**
     * Whether the file was readable but refused for what it is (too many pixels, a video too long or in
     * another codec), so the sender is told the precise reason rather than "not an image".
     */
    public boolean tooLarge() {
        return tooLarge;
    }
}
