package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * A Bot API call for the outbox: a JSON method, or an upload of a library image when {@code photo}
 * is set. The image is named by its tenant and media item id; the Telegram verticle reads the file.
 * A {@code receipt}, when set, is published on the sending node once Telegram accepted the call
 * ({@link Addresses#TELEGRAM_SENT}), whether or not the node that asked is still there to hear the answer.
 */
public record TelegramCall(String method, JsonObject params, Photo photo, boolean once, JsonObject receipt) {
    /** A library image to upload in the multipart field {@code field}. */
    public record Photo(String field, long tenantId, long mediaItemId) {
        JsonObject toJson() {
            return new JsonObject().put("field", field).put("tenantId", tenantId).put("mediaItemId", mediaItemId);
        }

        static Photo fromJson(JsonObject json) {
            return new Photo(Json.requiredString(json, "field"), Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "mediaItemId"));
        }
    }

    /** Telegram's answer: its {@code result}, a message object for the send and edit methods, else true or a list. */
    public record Result(Object result) {
        /** The result as an object (a sent or edited message); empty object when it is not one. */
        public JsonObject message() {
            return result instanceof JsonObject json ? json : new JsonObject();
        }

        public JsonObject toJson() {
            return new JsonObject().put("result", result);
        }

        public static Result fromJson(JsonObject json) {
            return new Result(json.getValue("result"));
        }
    }

    public static TelegramCall json(String method, JsonObject params) {
        return new TelegramCall(method, params, null, false, null);
    }

    /** Uploads media item {@code mediaItemId} of {@code tenantId} as {@code field} ({@code sendPhoto}'s {@code photo}). */
    public static TelegramCall upload(String method, JsonObject params, String field, long tenantId, long mediaItemId) {
        return new TelegramCall(method, params, new Photo(field, tenantId, mediaItemId), false, null);
    }

    /**
     * Sent at most once: after a 5xx or a network error the outbox does not try again, because the
     * call may have arrived; the caller owns the retry (a story notification, D15).
     */
    public TelegramCall atMostOnce() {
        return new TelegramCall(method, params, photo, true, receipt);
    }

    /** With a receipt the sending node publishes locally once the call went through (D32: a story recorded by the node that sent it). */
    public TelegramCall withReceipt(JsonObject receipt) {
        return new TelegramCall(method, params, photo, once, receipt);
    }

    public JsonObject toJson() {
        return new JsonObject().put("method", method).put("params", params).put("photo", photo == null ? null : photo.toJson())
                .put("once", once).put("receipt", receipt);
    }

    /** @throws IllegalArgumentException when the method or the parameters are missing */
    public static TelegramCall fromJson(JsonObject json) {
        if (json == null || json.getString("method") == null || !(json.getValue("params") instanceof JsonObject)) {
            throw new IllegalArgumentException("a telegram call needs a method and params");
        }
        JsonObject photo = json.getJsonObject("photo");
        return new TelegramCall(json.getString("method"), json.getJsonObject("params"), photo == null ? null : Photo.fromJson(photo),
                json.getBoolean("once", false), json.getJsonObject("receipt"));
    }
}
