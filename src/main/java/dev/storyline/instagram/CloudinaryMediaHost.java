package dev.storyline.instagram;

import dev.storyline.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

/**
 * {@code MEDIA_HOSTING=cloudinary}: signed calls to Cloudinary's upload and destroy APIs
 * ({@code CLOUDINARY_API_BASE_URL}/v1_1/{cloud}/image/upload|destroy). The signature is the SHA-1 of
 * the sorted parameters followed by the API secret, as Cloudinary documents; the secret is never sent.
 */
public final class CloudinaryMediaHost implements MediaHost {
    private static final Logger LOG = LoggerFactory.getLogger(CloudinaryMediaHost.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final WebClient web;
    private final String base;
    private final String cloud;
    private final String apiKey;
    private final Secret apiSecret;
    private final Clock clock;

    public CloudinaryMediaHost(Vertx vertx, URI apiBaseUrl, String cloud, String apiKey, Secret apiSecret, Clock clock) {
        this.vertx = vertx;
        this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000).setUserAgent("storyline"));
        this.base = apiBaseUrl.toString().replaceAll("/+$", "") + "/v1_1/" + cloud + "/image/";
        this.cloud = cloud;
        this.apiKey = apiKey;
        this.apiSecret = apiSecret;
        this.clock = clock;
    }

    /** The handle prefix of a hosted video. */
    private static final String VIDEO = "video:";

    /** {@code …/image/} or {@code …/video/} (D29: Cloudinary keeps videos apart). */
    private String kind(boolean video) {
        return video ? base.replaceAll("/image/$", "/video/") : base;
    }

    private static boolean isVideo(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".mp4") || name.endsWith(".mov");
    }

    @Override
    public String problem() {
        return cloud.isBlank() || apiKey.isBlank() || !apiSecret.isPresent()
                ? "MEDIA_HOSTING=cloudinary needs CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY and CLOUDINARY_API_SECRET" : null;
    }

    @Override
    public Future<Hosted> host(Path file) {
        if (problem() != null) {
            return Future.failedFuture(new IllegalStateException(problem()));
        }
        boolean video = isVideo(file);
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        String publicId = "storyline/" + HexFormat.of().formatHex(random);
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        MultipartForm form = MultipartForm.create()
                .attribute("public_id", publicId)
                .attribute("timestamp", timestamp)
                .attribute("api_key", apiKey)
                .attribute("signature", sign("public_id=" + publicId + "&timestamp=" + timestamp))
                .binaryFileUpload("file", video ? "story.mp4" : "story.jpg", file.toString(), video ? "video/mp4" : "image/jpeg");
        return web.postAbs(kind(video) + "upload").timeout(video ? 600_000 : 120_000).sendMultipartForm(form)
                .transform(ar -> {
                    vertx.executeBlocking(() -> Files.deleteIfExists(file), false);
                    if (ar.failed()) {
                        return Future.failedFuture(new GraphException(GraphException.Kind.TRANSIENT,
                                "Cloudinary did not answer the upload: " + ar.cause().getClass().getSimpleName(), false));
                    }
                    JsonObject body = body(ar.result().bodyAsString());
                    if (ar.result().statusCode() / 100 != 2 || body.getString("secure_url") == null) {
                        String reason = body.getJsonObject("error", new JsonObject()).getString("message", "HTTP " + ar.result().statusCode());
                        return Future.failedFuture(new GraphException(ar.result().statusCode() >= 500 ? GraphException.Kind.TRANSIENT
                                : GraphException.Kind.REJECTED, "Cloudinary refused the upload: " + reason, false));
                    }
                    // a video's handle says so, so destroy goes to video/destroy
                    String handle = body.getString("public_id", publicId);
                    return Future.succeededFuture(new Hosted(body.getString("secure_url"), video ? VIDEO + handle : handle));
                });
    }

    @Override
    public Future<Void> remove(Hosted hosted) {
        boolean video = hosted.handle().startsWith(VIDEO);
        String publicId = video ? hosted.handle().substring(VIDEO.length()) : hosted.handle();
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("public_id", publicId)
                .add("timestamp", timestamp)
                .add("api_key", apiKey)
                .add("signature", sign("public_id=" + publicId + "&timestamp=" + timestamp));
        return web.postAbs(kind(video) + "destroy").timeout(30_000).sendForm(form)
                .onSuccess(r -> {
                    if (r.statusCode() / 100 != 2) {
                        LOG.warn("Cloudinary did not remove {} (HTTP {})", hosted.handle(), r.statusCode());
                    }
                })
                .onFailure(e -> LOG.warn("Cloudinary did not remove {}: {}", hosted.handle(), e.getClass().getSimpleName()))
                .<Void>mapEmpty().otherwiseEmpty();
    }

    /**
     * Copies under {@code storyline/} older than a day (a crash between upload and destroy) are
     * destroyed: the Admin API lists them ({@code GET resources/image/upload?prefix=storyline/}, Basic
     * authentication in a header), each is destroyed as after a publish. Never fails.
     */
    @Override
    public Future<Integer> sweep() {
        if (problem() != null) {
            return Future.succeededFuture(0);
        }
        java.time.Instant before = java.time.Instant.now().minus(java.time.Duration.ofDays(1));
        String admin = base.replaceAll("/image/$", "/resources/image/upload");
        return web.getAbs(admin).addQueryParam("prefix", "storyline/").addQueryParam("max_results", "500").timeout(30_000)
                .basicAuthentication(apiKey, apiSecret.reveal()).send()
                .compose(r -> {
                    if (r.statusCode() / 100 != 2) {
                        return Future.failedFuture("HTTP " + r.statusCode());
                    }
                    java.util.List<Future<Void>> removals = new java.util.ArrayList<>();
                    for (Object each : body(r.bodyAsString()).getJsonArray("resources", new io.vertx.core.json.JsonArray())) {
                        if (each instanceof JsonObject resource && resource.getString("public_id", "").startsWith("storyline/")
                                && createdBefore(resource.getString("created_at"), before)) {
                            removals.add(remove(new Hosted(null, resource.getString("public_id"))));
                        }
                    }
                    if (!removals.isEmpty()) {
                        LOG.info("Destroying {} Cloudinary copies older than a day", removals.size());
                    }
                    return Future.join(removals).map(removals.size());
                })
                .otherwise(e -> {
                    LOG.warn("Cloudinary leftovers not swept: {}", e.getMessage());
                    return 0;
                });
    }

    private static boolean createdBefore(String createdAt, java.time.Instant before) {
        try {
            return createdAt != null && java.time.Instant.parse(createdAt).isBefore(before);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** Cloudinary's signature: SHA-1 hex of {@code sorted params} + API secret. */
    private String sign(String sortedParams) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest((sortedParams + apiSecret.reveal()).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject body(String text) {
        try {
            return text == null ? new JsonObject() : new JsonObject(text);
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }
}
