package dev.storyline.telegram;

/**
 * A Bot API call that failed, classified by HTTP status / {@code error_code} (never by parsing
 * free text, except Telegram's "message is not modified", which has no code of its own). The
 * message names the method and Telegram's description, never the token.
 */
public final class TelegramException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** 429: wait {@code retryAfter} seconds. */
        RATE_LIMITED,
        /** 400 (a migration to a supergroup is a 400 with {@code migrateToChatId}). */
        BAD_REQUEST,
        /** 401: the token is wrong or revoked. */
        UNAUTHORIZED,
        /** 403: the bot was removed from the chat or blocked by the user. */
        FORBIDDEN,
        NOT_FOUND,
        /** 409: another poller or a webhook. */
        CONFLICT,
        /** 5xx or an answer that is not the Bot API's envelope. */
        SERVER,
        /** No answer: refused, reset, timed out. */
        NETWORK
    }

    private final String method;
    private final Kind kind;
    private final int errorCode;
    private final String description;
    private final Integer retryAfterSeconds;
    private final Long migrateToChatId;

    public TelegramException(String method, Kind kind, int errorCode, String description, Integer retryAfterSeconds,
                             Long migrateToChatId) {
        super("Telegram " + method + " failed: " + (errorCode > 0 ? errorCode + " " : "") + description);
        this.method = method;
        this.kind = kind;
        this.errorCode = errorCode;
        this.description = description;
        this.retryAfterSeconds = retryAfterSeconds;
        this.migrateToChatId = migrateToChatId;
    }

    public static TelegramException fromEnvelope(String method, int httpStatus, int errorCode, String description,
                                                 Integer retryAfter, Long migrateTo) {
        int code = errorCode > 0 ? errorCode : httpStatus;
        Kind kind = switch (code) {
            case 429 -> Kind.RATE_LIMITED;
            case 400 -> Kind.BAD_REQUEST;
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            default -> code >= 500 || code <= 0 ? Kind.SERVER : Kind.BAD_REQUEST;
        };
        return new TelegramException(method, kind, code, description == null ? "no description" : description, retryAfter, migrateTo);
    }

    /** Not sent at all: the outbox refused the call for one of its bounds (D26); like a 429, it may be tried later. */
    public static TelegramException refused(String method, String reason, int retryAfterSeconds) {
        return new TelegramException(method, Kind.RATE_LIMITED, -1, "not sent: " + reason, retryAfterSeconds, null);
    }

    /** Refused by the outbox before it reached Telegram. */
    public boolean refusedHere() {
        return errorCode == -1;
    }

    public static TelegramException network(String method, String reason) {
        return new TelegramException(method, Kind.NETWORK, 0, reason, null, null);
    }

    public String method() {
        return method;
    }

    public Kind kind() {
        return kind;
    }

    public int errorCode() {
        return errorCode;
    }

    public String description() {
        return description;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Long migrateToChatId() {
        return migrateToChatId;
    }

    /** Worth trying again later: rate limits, server errors and network trouble (D15). */
    public boolean isTransient() {
        return kind == Kind.RATE_LIMITED || kind == Kind.SERVER || kind == Kind.NETWORK;
    }

    /** An edit that would not change the message: the desired state is already shown. */
    public boolean isNotModified() {
        return kind == Kind.BAD_REQUEST && description.contains("message is not modified");
    }
}
