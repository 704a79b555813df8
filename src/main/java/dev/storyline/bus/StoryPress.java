package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/**
 * A press on a story notification's button, for the posting verticle: which slot, what, by whom
 * (a Telegram user id and how to name them), and whether they may reject (D17).
 */
public record StoryPress(long tenantId, long queueId, String action, long messageId, Long userId, String who, boolean mayReject) {
    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("queueId", queueId).put("action", action).put("messageId", messageId)
                .put("userId", userId).put("who", who).put("mayReject", mayReject);
    }

    /** @throws IllegalArgumentException when a field is missing */
    public static StoryPress fromJson(JsonObject json) {
        if (json == null || !(json.getValue("tenantId") instanceof Number) || !(json.getValue("queueId") instanceof Number)
                || json.getString("action") == null) {
            throw new IllegalArgumentException("a press needs a tenantId, a queueId and an action");
        }
        return new StoryPress(json.getLong("tenantId"), json.getLong("queueId"), json.getString("action"),
                json.getLong("messageId", 0L), json.getLong("userId"), json.getString("who", "someone"),
                json.getBoolean("mayReject", false));
    }

    /** The answer to show the person ({@code answerCallbackQuery}); {@code alert} shows it as a dialog. */
    public record Answer(String text, boolean alert) {
        public JsonObject toJson() {
            return new JsonObject().put("text", text).put("alert", alert);
        }

        public static Answer fromJson(JsonObject json) {
            return new Answer(json.getString("text"), json.getBoolean("alert", false));
        }
    }
}
