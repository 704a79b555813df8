package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A message for the admin chat; {@code key} de-duplicates it for an hour; {@code html} is Telegram HTML. */
public record AlertRaised(String key, Long tenantId, String severity, String html) {
    public JsonObject toJson() {
        return new JsonObject().put("key", key).put("tenantId", tenantId).put("severity", severity).put("html", html);
    }

    public static AlertRaised fromJson(JsonObject json) {
        if (json == null || json.getString("key") == null || json.getString("html") == null) {
            throw new IllegalArgumentException("an alert needs a key and a message");
        }
        return new AlertRaised(json.getString("key"), json.getLong("tenantId"), json.getString("severity", "warning"),
                json.getString("html"));
    }
}
