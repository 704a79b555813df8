package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * Fetch a file the bot received ({@code getFile}, then the download) into the tenant's incoming
 * uploads ({@code MediaRoots.incoming}); answered with {@link Downloaded}, which names the file by an
 * upload id only the two actors that share the folder can resolve.
 */
public record TelegramDownload(String fileId, long tenantId) {
    public JsonObject toJson() {
        return new JsonObject().put("fileId", fileId).put("tenantId", tenantId);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static TelegramDownload fromJson(JsonObject json) {
        return new TelegramDownload(Json.requiredString(json, "fileId"), Json.requiredLong(json, "tenantId"));
    }

    /** The fetched file: its upload id (a file name, no path) and its size in bytes. */
    public record Downloaded(String uploadId, long size) {
        public JsonObject toJson() {
            return new JsonObject().put("uploadId", uploadId).put("size", size);
        }

        public static Downloaded fromJson(JsonObject json) {
            return new Downloaded(Json.requiredString(json, "uploadId"), Json.requiredLong(json, "size"));
        }
    }
}
