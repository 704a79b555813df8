package dev.storyline.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A configured secret. Its {@code toString} never reveals the value, so records holding it are safe to log. */
public final class Secret {
    private static final Secret EMPTY = new Secret("");
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isPresent() {
        return !value.isEmpty();
    }

    /** Compares in constant time, for bearer tokens. */
    public boolean matches(String candidate) {
        if (candidate == null || value.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "<unset>" : "<secret>";
    }
}
