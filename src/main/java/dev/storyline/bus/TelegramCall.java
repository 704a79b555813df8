package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A Bot API call for the outbox: a JSON method, or an upload of a local file when {@code file} is set. */
public record TelegramCall(String method, JsonObject params, String file, String fileField, String mimeType, boolean once) {
    public static TelegramCall json(String method, JsonObject params) {
        return new TelegramCall(method, params, null, null, null, false);
    }

    public static TelegramCall upload(String method, JsonObject params, String fileField, String file, String mimeType) {
        return new TelegramCall(method, params, file, fileField, mimeType, false);
    }

    /**
     * Sent at most once: after a 5xx or a network error the outbox does not try again, because the
     * call may have arrived; the caller owns the retry (a story notification, D15).
     */
    public TelegramCall atMostOnce() {
        return new TelegramCall(method, params, file, fileField, mimeType, true);
    }

    public JsonObject toJson() {
        return new JsonObject().put("method", method).put("params", params).put("file", file).put("fileField", fileField)
                .put("mimeType", mimeType).put("once", once);
    }

    /** @throws IllegalArgumentException when the method or the parameters are missing */
    public static TelegramCall fromJson(JsonObject json) {
        if (json == null || json.getString("method") == null || !(json.getValue("params") instanceof JsonObject)) {
            throw new IllegalArgumentException("a telegram call needs a method and params");
        }
        return new TelegramCall(json.getString("method"), json.getJsonObject("params"), json.getString("file"),
                json.getString("fileField"), json.getString("mimeType"), json.getBoolean("once", false));
    }
}
