package dev.storyline.instagram;

import dev.storyline.bus.InstagramStatus;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;

/**
 * A tenant's connected Instagram account as operators and chats see it: never the token itself.
 * {@code expiresAt} null means the token never expires (Graph's {@code expires_at = 0}).
 */
public record InstagramAccount(long tenantId, String accountId, String username, Instant expiresAt, Instant refreshedAt,
                               String status, String statusReason, Instant connectedAt) {
    public static final String VALID = "valid";
    public static final String INVALID = "invalid";

    public boolean valid(Instant now) {
        return VALID.equals(status) && (expiresAt == null || expiresAt.isAfter(now));
    }

    /** Whole days left, or -1 for a token that never expires. */
    public long daysLeft(Instant now) {
        return expiresAt == null ? -1 : Math.max(0, Duration.between(now, expiresAt).toDays());
    }

    /** "token valid (52 days)", "token valid (never expires)", "token invalid: …". */
    public String tokenLine(Instant now) {
        if (!valid(now)) {
            return "token invalid" + (statusReason == null ? (expiresAt != null ? ": expired" : "") : ": " + statusReason);
        }
        long days = daysLeft(now);
        return "token valid (" + (days < 0 ? "never expires" : days == 1 ? "1 day" : days + " days") + ")";
    }

    /** The account as the bus and the admin API show it: never the token, only its state. */
    public InstagramStatus view(Instant now) {
        return new InstagramStatus(true, tenantId, accountId, username, valid(now) ? VALID : INVALID, statusReason,
                expiresAt == null ? null : expiresAt.toString(), daysLeft(now), refreshedAt == null ? null : refreshedAt.toString(),
                connectedAt == null ? null : connectedAt.toString(), tokenLine(now));
    }
}
