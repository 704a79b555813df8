package dev.storyline.miniapp;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Telegram's Mini App sign-in (D30), checked exactly as Telegram documents it: the data-check string
 * is every field but {@code hash} as {@code key=value}, sorted by key and joined with newlines; the
 * secret is HMAC-SHA256 of the bot token keyed with {@code "WebAppData"}; the hash is the hex
 * HMAC-SHA256 of the data-check string keyed with that secret. An {@code auth_date} older than the
 * allowed age, or in the future by more than a minute, is refused too.
 */
public final class InitData {
    /** Who signed in. */
    public record Person(long id, String firstName, String username) {
        public JsonObject toJson() {
            return new JsonObject().put("id", id).put("firstName", firstName).put("username", username);
        }
    }

    /** Why a sign-in is refused, in words the page shows. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private InitData() {
    }

    /** The person {@code initData} (the raw query string) names, when its signature and age hold. */
    public static Person verify(String initData, String botToken, Instant now, Duration maxAge) throws Refused {
        if (initData == null || initData.isBlank() || initData.length() > 8192) {
            throw new Refused("no Telegram sign-in data");
        }
        Map<String, String> fields = new TreeMap<>();
        for (String pair : initData.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new Refused("the Telegram sign-in data is garbled");
            }
        }
        String hash = fields.remove("hash");
        if (hash == null) {
            throw new Refused("the Telegram sign-in data has no hash");
        }
        StringBuilder check = new StringBuilder();
        fields.forEach((key, value) -> check.append(check.isEmpty() ? "" : "\n").append(key).append('=').append(value));
        byte[] expected = hmac(hmac("WebAppData".getBytes(StandardCharsets.UTF_8), botToken.getBytes(StandardCharsets.UTF_8)),
                check.toString().getBytes(StandardCharsets.UTF_8));
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hash);
        } catch (IllegalArgumentException e) {
            throw new Refused("the Telegram sign-in data is not signed by this bot");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new Refused("the Telegram sign-in data is not signed by this bot");
        }
        long authDate;
        try {
            authDate = Long.parseLong(fields.getOrDefault("auth_date", ""));
        } catch (NumberFormatException e) {
            throw new Refused("the Telegram sign-in data has no auth_date");
        }
        Instant signed = Instant.ofEpochSecond(authDate);
        if (signed.isBefore(now.minus(maxAge))) {
            throw new Refused("the Telegram sign-in has expired: open the planner again from the chat");
        }
        if (signed.isAfter(now.plus(CLOCK_SKEW))) {
            throw new Refused("the Telegram sign-in is dated in the future");
        }
        JsonObject user;
        try {
            user = new JsonObject(fields.getOrDefault("user", ""));
        } catch (RuntimeException e) {
            throw new Refused("the Telegram sign-in data names no person");
        }
        Long id = user.getLong("id");
        if (id == null) {
            throw new Refused("the Telegram sign-in data names no person");
        }
        return new Person(id, user.getString("first_name", ""), user.getString("username"));
    }

    /** Signs {@code fields} as Telegram would (for the tests and the benchmark): the query string with its hash. */
    public static String sign(Map<String, String> fields, String botToken) {
        Map<String, String> sorted = new TreeMap<>(fields);
        StringBuilder check = new StringBuilder();
        sorted.forEach((key, value) -> check.append(check.isEmpty() ? "" : "\n").append(key).append('=').append(value));
        String hash = HexFormat.of().formatHex(hmac(hmac("WebAppData".getBytes(StandardCharsets.UTF_8),
                botToken.getBytes(StandardCharsets.UTF_8)), check.toString().getBytes(StandardCharsets.UTF_8)));
        StringBuilder query = new StringBuilder();
        sorted.forEach((key, value) -> query.append(query.isEmpty() ? "" : "&").append(key).append('=')
                .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return query.append("&hash=").append(hash).toString();
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
