package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * A photo or image file a member sent to the tenant chat, to add to the library (D4). The caption
 * is the raw text ({@code Title | link | #tags}); the file is fetched by its Telegram id.
 */
public record MediaUpload(long tenantId, Long userId, boolean photo, String fileId, String fileUniqueId, String fileName,
                          String mimeType, long fileSize, String caption) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("userId", userId).put("photo", photo).put("fileId", fileId)
                .put("fileUniqueId", fileUniqueId).put("fileName", fileName).put("mimeType", mimeType).put("fileSize", fileSize)
                .put("caption", caption);
    }

    /** @throws IllegalArgumentException when the tenant or the file is missing */
    public static MediaUpload fromJson(JsonObject json) {
        if (json == null || !(json.getValue("tenantId") instanceof Number) || json.getString("fileId") == null
                || json.getString("fileUniqueId") == null) {
            throw new IllegalArgumentException("an upload needs a tenantId, a fileId and a fileUniqueId");
        }
        return new MediaUpload(json.getLong("tenantId"), json.getLong("userId"), json.getBoolean("photo", false), json.getString("fileId"),
                json.getString("fileUniqueId"), json.getString("fileName"), json.getString("mimeType"),
                json.getLong("fileSize", 0L), json.getString("caption"));
    }
}
