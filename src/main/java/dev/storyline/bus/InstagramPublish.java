package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * Publish one story through the Graph API ({@link Addresses#INSTAGRAM_PUBLISH}). {@code containerId}
 * is set when an earlier attempt created a container (stored on the queue row): its status is read
 * first, so a story whose {@code media_publish} went through is never published again (D16).
 * {@code claimToken} is the slot's claim (D24): a container is only stored, and published, while it holds.
 * The image is named by its media item id; the Instagram verticle reads the file itself.
 */
public record InstagramPublish(long tenantId, long queueId, long mediaItemId, String containerId, long claimToken) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("queueId", queueId).put("mediaItemId", mediaItemId)
                .put("containerId", containerId).put("claimToken", claimToken);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static InstagramPublish fromJson(JsonObject json) {
        return new InstagramPublish(Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "queueId"),
                Json.requiredLong(json, "mediaItemId"), json.getString("containerId"), Json.requiredLong(json, "claimToken"));
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
