package dev.storyline.media;

import dev.storyline.bus.ErrorCode;

/** A media request that cannot be done as asked; the message is for the person who asked. */
public final class MediaException extends RuntimeException {
    private final ErrorCode code;

    public MediaException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
