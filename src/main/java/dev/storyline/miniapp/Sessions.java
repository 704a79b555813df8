package dev.storyline.miniapp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The browser's session (D30): after a one-time {@code /login} link, a cookie
 * {@code <userId>.<expires epoch s>.<signature>}, signed with HMAC-SHA256 under a key derived from the
 * bot token (so a new token signs everybody out), valid for {@link #TTL}. Nothing about it is stored.
 */
public final class Sessions {
    public static final String COOKIE = "storyline_session";
    public static final Duration TTL = Duration.ofDays(7);

    private final byte[] key;

    public Sessions(String botToken) {
        this.key = InitData.hmac("StorylineSession".getBytes(StandardCharsets.UTF_8), botToken.getBytes(StandardCharsets.UTF_8));
    }

    /** A cookie value for {@code userId}, valid from {@code now} for {@link #TTL}. */
    public String issue(long userId, Instant now) {
        String body = userId + "." + now.plus(TTL).getEpochSecond();
        return body + "." + signature(body);
    }

    /** The person a cookie value names, when it is signed here and not expired. */
    public Optional<Long> verify(String value, Instant now) {
        if (value == null || value.length() > 200) {
            return Optional.empty();
        }
        int last = value.lastIndexOf('.');
        int first = value.indexOf('.');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String body = value.substring(0, last);
        if (!MessageDigest.isEqual(signature(body).getBytes(StandardCharsets.US_ASCII),
                value.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            long userId = Long.parseLong(value.substring(0, first));
            long expires = Long.parseLong(value.substring(first + 1, last));
            return now.getEpochSecond() < expires ? Optional.of(userId) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String signature(String body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(InitData.hmac(key, body.getBytes(StandardCharsets.UTF_8)));
    }
}
