package dev.storyline.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Cloudinary's upload and destroy APIs for tests, over real HTTP: signed multipart uploads (the
 * signature is checked as Cloudinary checks it), the hosted file served at its {@code secure_url}
 * until it is destroyed.
 */
public final class FakeCloudinary implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;
    private final String apiKey;
    private final String apiSecret;
    private final Path dir;
    private final Map<String, Path> hosted = new HashMap<>();
    private final Map<String, String> createdAt = new HashMap<>();
    private int uploads;
    private int destroys;
    private int badSignatures;

    public FakeCloudinary(String apiKey, String apiSecret) throws Exception {
        this.apiKey = apiKey;
        this.apiSecret = apiSecret;
        this.dir = Files.createTempDirectory("fake-cloudinary");
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setUploadsDirectory(dir.toString()));
        router.post("/v1_1/:cloud/image/upload").handler(this::upload);
        router.post("/v1_1/:cloud/image/destroy").handler(this::destroy);
        router.get("/res/*").handler(this::serve);
        router.get("/v1_1/:cloud/resources/image/upload").handler(this::list);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    public synchronized int uploads() {
        return uploads;
    }

    public synchronized int destroys() {
        return destroys;
    }

    public synchronized int hostedNow() {
        return hosted.size();
    }

    public synchronized int badSignatures() {
        return badSignatures;
    }

    /** A copy uploaded {@code created} (as a crash between upload and destroy leaves one). */
    public synchronized void uploadedEarlier(String publicId, java.time.Instant created) throws java.io.IOException {
        Path file = Files.createTempFile(dir, "earlier", ".jpg");
        hosted.put(publicId, file);
        createdAt.put(publicId, created.toString());
    }

    public synchronized boolean isHosted(String publicId) {
        return hosted.containsKey(publicId);
    }

    /** The Admin API's list of resources by prefix, with HTTP Basic authentication (key and secret). */
    private synchronized void list(RoutingContext ctx) {
        String expected = "Basic " + java.util.Base64.getEncoder().encodeToString((apiKey + ":" + apiSecret)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ctx.request().getHeader("Authorization"))) {
            ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", new JsonObject().put("message", "Invalid credentials")).encode());
            return;
        }
        String prefix = ctx.request().getParam("prefix", "");
        io.vertx.core.json.JsonArray resources = new io.vertx.core.json.JsonArray();
        hosted.keySet().stream().filter(id -> id.startsWith(prefix)).sorted().forEach(id -> resources.add(new JsonObject()
                .put("public_id", id).put("created_at", createdAt.getOrDefault(id, java.time.Instant.now().toString()))));
        ctx.json(new JsonObject().put("resources", resources));
    }

    private synchronized void upload(RoutingContext ctx) {
        String publicId = ctx.request().getFormAttribute("public_id");
        String timestamp = ctx.request().getFormAttribute("timestamp");
        if (!signed(ctx, publicId, timestamp) || ctx.fileUploads().isEmpty()) {
            return;
        }
        FileUpload file = ctx.fileUploads().get(0);
        uploads++;
        hosted.put(publicId, Path.of(file.uploadedFileName()));
        createdAt.put(publicId, java.time.Instant.now().toString());
        ctx.json(new JsonObject().put("public_id", publicId).put("format", "jpg").put("resource_type", "image")
                .put("secure_url", baseUrl() + "/res/" + publicId + ".jpg"));
    }

    private synchronized void destroy(RoutingContext ctx) {
        String publicId = ctx.request().getFormAttribute("public_id");
        if (!signed(ctx, publicId, ctx.request().getFormAttribute("timestamp"))) {
            return;
        }
        destroys++;
        ctx.json(new JsonObject().put("result", hosted.remove(publicId) != null ? "ok" : "not found"));
    }

    private synchronized void serve(RoutingContext ctx) {
        String id = ctx.request().path().substring("/res/".length()).replaceAll("\\.jpg$", "");
        Path file = hosted.get(id);
        if (file == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        ctx.response().putHeader("Content-Type", "image/jpeg").sendFile(file.toString());
    }

    private boolean signed(RoutingContext ctx, String publicId, String timestamp) {
        String expected = sha1("public_id=" + publicId + "&timestamp=" + timestamp + apiSecret);
        if (!apiKey.equals(ctx.request().getFormAttribute("api_key")) || !expected.equals(ctx.request().getFormAttribute("signature"))) {
            badSignatures++;
            ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", new JsonObject().put("message", "Invalid Signature")).encode());
            return false;
        }
        return true;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
