package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** A person by Telegram id or {@code @username} ({@link Addresses#ADMIN_USER_REACTIVATE}). */
public record UserRequest(String user) {
    public JsonObject toJson() {
        return new JsonObject().put("user", user);
    }

    /** @throws IllegalArgumentException when the user is missing */
    public static UserRequest fromJson(JsonObject json) {
        return new UserRequest(Json.requiredString(json, "user"));
    }

    /** The answer: the person, active again. */
    public record Person(long id, String name, boolean active) {
        public JsonObject toJson() {
            return new JsonObject().put("id", id).put("name", name).put("active", active);
        }

        public static Person fromJson(JsonObject json) {
            return new Person(Json.requiredLong(json, "id"), json.getString("name"), json.getBoolean("active", false));
        }
    }
}
