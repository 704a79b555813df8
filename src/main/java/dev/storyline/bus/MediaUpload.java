package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * A photo, image or video to add to the library (D4): one a member sent to the tenant chat, fetched by
 * its Telegram id, or one uploaded in the planner (D30), already received under the tenant's
 * {@code .incoming/<uploadId>} (an id, never a path). The caption is the raw text
 * ({@code Title | link | #tags}).
 */
public record MediaUpload(long tenantId, Long userId, boolean photo, String fileId, String fileUniqueId, String fileName,
                          String mimeType, long fileSize, String caption, String uploadId) {
    /** From the chat: Telegram's file. */
    public MediaUpload(long tenantId, Long userId, boolean photo, String fileId, String fileUniqueId, String fileName,
                       String mimeType, long fileSize, String caption) {
        this(tenantId, userId, photo, fileId, fileUniqueId, fileName, mimeType, fileSize, caption, null);
    }

    /** From the planner: a file the HTTP server received as {@code uploadId}. */
    public static MediaUpload received(long tenantId, long userId, String uploadId, String fileName, String mimeType, long fileSize,
                                       String caption) {
        return new MediaUpload(tenantId, userId, false, null, null, fileName, mimeType, fileSize, caption, uploadId);
    }

    public boolean received() {
        return uploadId != null;
    }

    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("userId", userId).put("photo", photo).put("fileId", fileId)
                .put("fileUniqueId", fileUniqueId).put("fileName", fileName).put("mimeType", mimeType).put("fileSize", fileSize)
                .put("caption", caption).put("uploadId", uploadId);
    }

    /** @throws IllegalArgumentException when the tenant or the file is missing */
    public static MediaUpload fromJson(JsonObject json) {
        if (json == null || !(json.getValue("tenantId") instanceof Number)
                || (json.getString("uploadId") == null && (json.getString("fileId") == null || json.getString("fileUniqueId") == null))) {
            throw new IllegalArgumentException("an upload needs a tenantId, and a fileId with a fileUniqueId or an uploadId");
        }
        return new MediaUpload(json.getLong("tenantId"), json.getLong("userId"), json.getBoolean("photo", false), json.getString("fileId"),
                json.getString("fileUniqueId"), json.getString("fileName"), json.getString("mimeType"),
                json.getLong("fileSize", 0L), json.getString("caption"), json.getString("uploadId"));
    }
}
