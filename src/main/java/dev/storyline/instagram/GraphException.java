package dev.storyline.instagram;

/**
 * A Graph API failure, classified by HTTP status and Graph error code (D15), never by its text.
 * {@code outcomeUnknown} is set when the request may have reached Meta (a timeout, a dropped
 * connection): for {@code media_publish} the container's status then decides (D16).
 */
public final class GraphException extends RuntimeException {
    public enum Kind {
        /** 190, 102: the token is invalid or expired. */
        TOKEN,
        /** 4, 17, 32, 613, or the publishing quota used up. */
        RATE_LIMIT,
        /** 24, 36003 and other refusals of this request: retrying will not help. */
        REJECTED,
        /** 5xx, network, timeouts. */
        TRANSIENT
    }

    private final Kind kind;
    private final boolean outcomeUnknown;
    private final int code;
    private final int subcode;

    public GraphException(Kind kind, String message, boolean outcomeUnknown) {
        this(kind, message, outcomeUnknown, 0, 0);
    }

    public GraphException(Kind kind, String message, boolean outcomeUnknown, int code, int subcode) {
        super(message, null, false, false);
        this.kind = kind;
        this.outcomeUnknown = outcomeUnknown;
        this.code = code;
        this.subcode = subcode;
    }

    /** Graph's {@code error.code}, 0 when the answer had none. */
    public int code() {
        return code;
    }

    /** Graph's {@code error.error_subcode}, 0 when the answer had none. */
    public int subcode() {
        return subcode;
    }

    /** D15 by Graph error code, then by HTTP status. */
    public static Kind classify(int httpStatus, int graphCode) {
        return switch (graphCode) {
            case 190, 102 -> Kind.TOKEN;
            case 4, 17, 32, 613 -> Kind.RATE_LIMIT;
            case 24, 36003 -> Kind.REJECTED;
            default -> httpStatus >= 500 || httpStatus == 429 ? (httpStatus == 429 ? Kind.RATE_LIMIT : Kind.TRANSIENT) : Kind.REJECTED;
        };
    }

    public Kind kind() {
        return kind;
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
