package dev.storyline.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Stable failure codes for event-bus replies and the admin API. The numbers are part of the
 * contract (never derived from {@code ordinal()}); {@link #httpStatus()} is the one mapping to HTTP.
 */
public enum ErrorCode {
    INVALID_INPUT(4000, 400, "invalid_input"),
    UNAUTHORIZED(4010, 401, "unauthorized"),
    /** Authenticated, but not allowed: another team's data, or a change that needs the chat's admin rights. */
    FORBIDDEN(4030, 403, "forbidden"),
    NOT_FOUND(4040, 404, "not_found"),
    TENANT_NOT_FOUND(4041, 404, "tenant_not_found"),
    ADMIN_DISABLED(4042, 404, "admin_disabled"),
    METHOD_NOT_ALLOWED(4050, 405, "method_not_allowed"),
    /** The thing asked for is already under way (an index of the same library, say). */
    CONFLICT(4090, 409, "conflict"),
    PAYLOAD_TOO_LARGE(4130, 413, "payload_too_large"),
    /** Telegram refused the call for good (400, 403, 404...): retrying will not help. */
    TELEGRAM_REJECTED(4220, 422, "telegram_rejected"),
    /** Instagram refused this story for good (an unsupported image, a permanent Graph error): post it by hand. */
    INSTAGRAM_REJECTED(4221, 422, "instagram_rejected"),
    /** The tenant's Instagram token is invalid or expired (Graph 190/102): the Instagram route is paused until it is replaced. */
    INSTAGRAM_TOKEN_INVALID(4222, 422, "instagram_token_invalid"),
    /** No Instagram account is connected, or Instagram is not set up here (encryption key, media host). */
    INSTAGRAM_NOT_CONNECTED(4223, 422, "instagram_not_connected"),
    /** Graph rate limits (4/17/32/613) or the 24-hour publishing quota: worth retrying later. */
    INSTAGRAM_RATE_LIMITED(4290, 429, "instagram_rate_limited"),
    INTERNAL(5000, 500, "internal_error"),
    UNAVAILABLE(5030, 503, "unavailable"),
    /** Telegram could not be reached or kept failing (5xx, network, too many 429s): worth retrying later. */
    TELEGRAM_UNAVAILABLE(5031, 503, "telegram_unavailable"),
    /** Instagram could not be reached or failed (5xx, network, a container that never finished): worth retrying later. */
    INSTAGRAM_UNAVAILABLE(5032, 503, "instagram_unavailable"),
    TIMEOUT(5040, 504, "timeout");

    private final int code;
    private final int httpStatus;
    private final String key;

    ErrorCode(int code, int httpStatus, String key) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.key = key;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code error} field of a JSON error. */
    public String key() {
        return key;
    }

    public static ErrorCode fromCode(int code) {
        return Arrays.stream(values()).filter(c -> c.code == code).findFirst().orElse(INTERNAL);
    }

    /** What a failed event-bus request means to the caller. */
    public static ErrorCode of(Throwable failure) {
        if (failure instanceof ReplyException reply) {
            if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
                return UNAVAILABLE;
            }
            if (reply.failureType() == ReplyFailure.TIMEOUT) {
                return TIMEOUT;
            }
            return fromCode(reply.failureCode());
        }
        return INTERNAL;
    }

    /**
     * Fails a request with what went wrong: a coded failure keeps its code, a timeout or a missing
     * handler downstream stays one, anything else is {@link #INTERNAL} and logged.
     */
    public static void fail(Message<?> message, Throwable cause) {
        ErrorCode code = of(cause);
        if (code == INTERNAL) {
            LoggerFactory.getLogger(ErrorCode.class).error("Request to {} failed", message.address(), cause);
        }
        message.fail(code.code(), String.valueOf(cause.getMessage()));
    }

    /** A failure to reply with: {@code message.reply(...)} is not used for errors, {@code fail} is. */
    public ReplyException failure(String message) {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
    }
}
