package dev.storyline.media;

import dev.storyline.bus.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A media request that cannot be done as asked; the message is for the person who asked. It is a
 * coded {@link ReplyException}, so it crosses the event bus with its {@link ErrorCode} unchanged.
 */
public final class MediaException extends ReplyException {
    public MediaException(ErrorCode code, String message) {
        super(ReplyFailure.RECIPIENT_FAILURE, code.code(), message);
    }

    public ErrorCode code() {
        return ErrorCode.fromCode(failureCode());
    }
}
