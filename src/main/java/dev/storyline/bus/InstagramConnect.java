package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * Connect a tenant's Instagram account ({@link Addresses#INSTAGRAM_CONNECT}) with a token the asker
 * stored as a draft ({@code instagram_token_drafts}, encrypted): only the draft's id travels. The
 * Instagram verticle takes the draft, checks the token with Graph and stores the account.
 *
 * @param userId the person who asked in Telegram; null for the admin API
 */
public record InstagramConnect(long tenantId, long draftId, Long userId) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("draftId", draftId).put("userId", userId);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static InstagramConnect fromJson(JsonObject json) {
        return new InstagramConnect(Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "draftId"), json.getLong("userId"));
    }
}
