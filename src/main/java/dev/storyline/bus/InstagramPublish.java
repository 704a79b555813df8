package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * Publish one story through the Graph API ({@link Addresses#INSTAGRAM_PUBLISH}). {@code containerId}
 * is set when an earlier attempt created a container (stored on the queue row): its status is read
 * first, so a story whose {@code media_publish} went through is never published again (D16).
 */
public record InstagramPublish(long tenantId, long queueId, String path, String mimeType, String containerId) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("queueId", queueId).put("path", path).put("mimeType", mimeType)
                .put("containerId", containerId);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static InstagramPublish fromJson(JsonObject json) {
        if (json == null || json.getLong("tenantId") == null || json.getLong("queueId") == null || json.getString("path") == null) {
            throw new IllegalArgumentException("a publish needs a tenantId, a queueId and a path");
        }
        return new InstagramPublish(json.getLong("tenantId"), json.getLong("queueId"), json.getString("path"),
                json.getString("mimeType", "image/jpeg"), json.getString("containerId"));
    }

    /** What was published: the media id and permalink (both null when a container check found it published). */
    public record Published(String containerId, String mediaId, String permalink) {
        public JsonObject toJson() {
            return new JsonObject().put("containerId", containerId).put("mediaId", mediaId).put("permalink", permalink);
        }

        public static Published fromJson(JsonObject json) {
            return new Published(json.getString("containerId"), json.getString("mediaId"), json.getString("permalink"));
        }
    }
}
