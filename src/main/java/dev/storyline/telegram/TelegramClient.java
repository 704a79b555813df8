package dev.storyline.telegram;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.multipart.MultipartForm;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Bot API over Vert.x {@code WebClient}. Every call returns the {@code result} of Telegram's
 * {@code {ok, result, error_code, description, parameters}} envelope, or fails with a
 * {@link TelegramException}. The token is part of every URL and of no message, log line or exception.
 */
public final class TelegramClient {
    /** Long polls wait up to 50 s at Telegram; the HTTP timeout leaves room for that. */
    public static final int LONG_POLL_SECONDS = 50;
    private static final long CALL_TIMEOUT_MILLIS = 30_000;
    private static final long POLL_TIMEOUT_MILLIS = (LONG_POLL_SECONDS + 15) * 1000L;

    private static final long DOWNLOAD_TIMEOUT_MILLIS = 120_000;

    private final Vertx vertx;
    private final WebClient web;
    private final String root;
    private final String base;
    private final String token;

    public TelegramClient(Vertx vertx, URI apiBaseUrl, String token) {
        this.web = WebClient.create(vertx, new WebClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout(10_000)
                .setUserAgent("storyline"), new PoolOptions().setHttp1MaxSize(50));
        this.vertx = vertx;
        this.root = apiBaseUrl.toString().replaceAll("/+$", "");
        this.base = root + "/bot" + token + "/";
        this.token = token;
    }

    /** Any JSON method; {@code result} as Telegram returns it (object, array, boolean...). */
    public Future<Object> call(String method, JsonObject params) {
        return call(method, params, CALL_TIMEOUT_MILLIS);
    }

    private Future<Object> call(String method, JsonObject params, long timeoutMillis) {
        return web.postAbs(base + method)
                .timeout(timeoutMillis)
                .sendJsonObject(params)
                .transform(ar -> ar.succeeded() ? envelope(method, ar.result()) : Future.failedFuture(network(method, ar.cause())));
    }

    /** A method that uploads a local file as multipart ({@code sendPhoto}, {@code sendDocument}). */
    public Future<Object> upload(String method, JsonObject params, String fileField, Path file, String mimeType) {
        MultipartForm form = MultipartForm.create();
        for (Map.Entry<String, Object> entry : params) {
            Object value = entry.getValue();
            if (value != null) {
                form.attribute(entry.getKey(), value instanceof JsonObject || value instanceof JsonArray
                        ? value.toString() : String.valueOf(value));
            }
        }
        form.binaryFileUpload(fileField, file.getFileName().toString(), file.toString(), mimeType);
        return web.postAbs(base + method)
                .timeout(CALL_TIMEOUT_MILLIS * 4)
                .sendMultipartForm(form)
                .transform(ar -> ar.succeeded() ? envelope(method, ar.result()) : Future.failedFuture(network(method, ar.cause())));
    }

    public Future<JsonObject> getMe() {
        return call("getMe", new JsonObject()).map(JsonObject.class::cast);
    }

    public Future<Void> deleteWebhook() {
        return call("deleteWebhook", new JsonObject().put("drop_pending_updates", false)).mapEmpty();
    }

    /** Long poll: waits at Telegram up to {@code timeoutSeconds} for updates after {@code offset}. */
    public Future<JsonArray> getUpdates(long offset, int timeoutSeconds, List<String> allowedUpdates) {
        JsonObject params = new JsonObject()
                .put("offset", offset)
                .put("timeout", timeoutSeconds)
                .put("allowed_updates", new JsonArray(allowedUpdates));
        return call("getUpdates", params, POLL_TIMEOUT_MILLIS).map(JsonArray.class::cast);
    }

    public Future<Void> setMyCommands(JsonArray commands) {
        return call("setMyCommands", new JsonObject().put("commands", commands)).mapEmpty();
    }

    /** The default menu button of private chats (the Mini App's, D30). */
    public Future<Void> setChatMenuButton(JsonObject button) {
        return call("setChatMenuButton", new JsonObject().put("menu_button", button)).mapEmpty();
    }

    public Future<JsonArray> getChatAdministrators(long chatId) {
        return call("getChatAdministrators", new JsonObject().put("chat_id", chatId)).map(JsonArray.class::cast);
    }

    public Future<JsonObject> getChat(long chatId) {
        return call("getChat", new JsonObject().put("chat_id", chatId)).map(JsonObject.class::cast);
    }

    public Future<Integer> getChatMemberCount(long chatId) {
        return call("getChatMemberCount", new JsonObject().put("chat_id", chatId)).map(r -> ((Number) r).intValue());
    }

    public Future<JsonObject> getFile(String fileId) {
        return call("getFile", new JsonObject().put("file_id", fileId)).map(JsonObject.class::cast);
    }

    /**
     * Streams a file found with {@link #getFile(String)} ({@code file_path}) to {@code target}; on
     * failure nothing is left at {@code target}.
     */
    public Future<Long> download(String filePath, Path target) {
        String url = root + "/file/bot" + token + "/" + filePath;
        return vertx.fileSystem().open(target.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
                .compose(file -> web.getAbs(url).timeout(DOWNLOAD_TIMEOUT_MILLIS).as(BodyCodec.pipe(file)).send()
                        .transform(ar -> {
                            if (ar.failed()) {
                                return Future.failedFuture(network("download", ar.cause()));
                            }
                            if (ar.result().statusCode() != 200) {
                                return Future.failedFuture(TelegramException.fromEnvelope("download", ar.result().statusCode(),
                                        ar.result().statusCode(), "file download failed", null, null));
                            }
                            return vertx.fileSystem().props(target.toString()).map(props -> props.size());
                        })
                        .recover(e -> vertx.fileSystem().delete(target.toString()).otherwiseEmpty()
                                .transform(x -> Future.failedFuture(e))));
    }

    public void close() {
        web.close();
    }

    private Future<Object> envelope(String method, HttpResponse<Buffer> response) {
        JsonObject body;
        try {
            body = response.body() == null ? null : response.bodyAsJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        if (body == null || !body.containsKey("ok")) {
            return Future.failedFuture(TelegramException.fromEnvelope(method, response.statusCode(), 0,
                    "HTTP " + response.statusCode() + " without a Bot API answer", null, null));
        }
        if (body.getBoolean("ok", false)) {
            return Future.succeededFuture(body.getValue("result"));
        }
        JsonObject parameters = body.getJsonObject("parameters", new JsonObject());
        return Future.failedFuture(TelegramException.fromEnvelope(method, response.statusCode(),
                body.getInteger("error_code", response.statusCode()), sanitize(body.getString("description")),
                parameters.getInteger("retry_after"), parameters.getLong("migrate_to_chat_id")));
    }

    private TelegramException network(String method, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return TelegramException.network(method, sanitize(reason));
    }

    /** Vert.x timeout messages include the request URI, and so the token: cut it out. */
    private String sanitize(String text) {
        return text == null ? null : text.replace(token, "<token>");
    }
}
