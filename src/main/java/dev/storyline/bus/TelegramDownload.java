package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** Fetch a file the bot received ({@code getFile}, then the download) into {@code target}; replies {@code {"size": n}}. */
public record TelegramDownload(String fileId, String target) {
    public JsonObject toJson() {
        return new JsonObject().put("fileId", fileId).put("target", target);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static TelegramDownload fromJson(JsonObject json) {
        if (json == null || json.getString("fileId") == null || json.getString("target") == null) {
            throw new IllegalArgumentException("a download needs a fileId and a target");
        }
        return new TelegramDownload(json.getString("fileId"), json.getString("target"));
    }
}
