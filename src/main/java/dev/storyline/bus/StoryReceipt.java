package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * What the node that sends to Telegram records once a story notification went through (D32), carried by
 * the {@link TelegramCall} as its receipt and published on {@link Addresses#TELEGRAM_SENT}: the slot, the
 * image and the claim it was sent under, so the record holds only while that claim does.
 */
public record StoryReceipt(long tenantId, long slotId, long mediaItemId, long claimToken) {
    public JsonObject toJson() {
        return new JsonObject().put("kind", "story").put("tenantId", tenantId).put("slotId", slotId).put("mediaItemId", mediaItemId)
                .put("claimToken", claimToken);
    }

    /** Whether {@code json} is a story's receipt (other calls may carry other receipts). */
    public static boolean is(JsonObject json) {
        return json != null && "story".equals(json.getString("kind"));
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static StoryReceipt fromJson(JsonObject json) {
        return new StoryReceipt(Json.requiredLong(json, "tenantId"), Json.requiredLong(json, "slotId"), Json.requiredLong(json, "mediaItemId"),
                Json.requiredLong(json, "claimToken"));
    }
}
