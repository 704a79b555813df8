package dev.storyline.instagram;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code MEDIA_HOSTING=self}: the JPEG (or the video, D29, served with range requests) is kept under
 * the data dir and served by Storyline's own HTTP server at {@code MEDIA_PUBLIC_BASE_URL/media/<name>?expires=<epoch s>&sig=<HMAC>}. The signature
 * (HMAC-SHA256 under a key derived from {@code ENCRYPTION_KEY}) covers the name and the expiry, one
 * hour ahead; names are random, so a URL cannot be guessed from another.
 */
public final class SelfMediaHost implements MediaHost {
    public static final Duration URL_LIFETIME = Duration.ofHours(1);
    public static final String ROUTE = "/media/";
    private static final Pattern NAME = Pattern.compile("[a-f0-9]{32}\\.(jpg|mp4|mov)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final Path dir;
    private final Optional<URI> publicBase;
    private final byte[] signingKey;
    private final Clock clock;

    /** {@code signingKey} null when no {@code ENCRYPTION_KEY} is set: nothing is hosted then. */
    public SelfMediaHost(Vertx vertx, Path dir, Optional<URI> publicBase, byte[] signingKey, Clock clock) {
        this.vertx = vertx;
        this.dir = dir;
        this.publicBase = publicBase;
        this.signingKey = signingKey;
        this.clock = clock;
    }

    @Override
    public String problem() {
        if (publicBase.isEmpty()) {
            return "MEDIA_PUBLIC_BASE_URL is not set, so Instagram cannot fetch images from this server "
                    + "(set it to the public HTTPS address of Storyline's HTTP port, or use MEDIA_HOSTING=cloudinary)";
        }
        return signingKey == null ? TokenCipher.missingKey() : null;
    }

    @Override
    public Future<Hosted> host(Path file) {
        String problem = problem();
        if (problem != null) {
            return Future.failedFuture(new IllegalStateException(problem));
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String name = HexFormat.of().formatHex(random) + "." + extension(file);
        return vertx.executeBlocking(() -> {
            Files.createDirectories(dir);
            Files.move(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            long expires = clock.instant().plus(URL_LIFETIME).getEpochSecond();
            String base = publicBase.get().toString().replaceAll("/+$", "");
            return new Hosted(base + ROUTE + name + "?expires=" + expires + "&sig=" + sign(name, expires), name);
        }, false);
    }

    @Override
    public Future<Void> remove(Hosted hosted) {
        return vertx.executeBlocking(() -> Files.deleteIfExists(dir.resolve(hosted.handle())), false)
                .<Void>mapEmpty().otherwiseEmpty();
    }

    /** What the HTTP route serves for a request: the file, or why not. */
    public sealed interface Lookup permits Found, Refused {
    }

    /** A hosted file and its {@code Content-Type}. */
    public record Found(Path file, String contentType) implements Lookup {
    }

    /** {@code status} 403 (bad signature), 410 (expired) or 404 (removed). */
    public record Refused(int status, String reason) implements Lookup {
    }

    /** Checks a request's name, expiry and signature (in constant time). Blocking only for the file check. */
    /** Files in the hosting folder older than {@link MediaHost#LEFTOVER_AFTER} (their signed URLs expired long ago). */
    @Override
    public Future<Integer> sweep() {
        return vertx.executeBlocking(() -> Leftovers.delete(dir, LEFTOVER_AFTER), false).otherwise(0);
    }

    public Lookup lookup(String name, String expires, String sig) {
        if (signingKey == null || name == null || !NAME.matcher(name).matches() || expires == null || sig == null) {
            return new Refused(403, "invalid link");
        }
        long expiry;
        try {
            expiry = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return new Refused(403, "invalid link");
        }
        if (!MessageDigest.isEqual(sign(name, expiry).getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII))) {
            return new Refused(403, "invalid link");
        }
        if (clock.instant().getEpochSecond() > expiry) {
            return new Refused(410, "link expired");
        }
        Path file = dir.resolve(name);
        String type = name.endsWith(".mp4") ? "video/mp4" : name.endsWith(".mov") ? "video/quicktime" : "image/jpeg";
        return Files.isRegularFile(file) ? new Found(file, type) : new Refused(404, "no longer hosted");
    }

    /** jpg for a prepared image, mp4 or mov for a video story (D29). */
    private static String extension(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".mp4") ? "mp4" : name.endsWith(".mov") ? "mov" : "jpg";
    }

    private String sign(String name, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((name + ":" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
