package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

/** The answer of {@link Addresses#INSTAGRAM_DISCONNECT}: whether an account was connected (and is now forgotten). */
public record InstagramDisconnected(boolean disconnected) {
    public JsonObject toJson() {
        return new JsonObject().put("disconnected", disconnected);
    }

    public static InstagramDisconnected fromJson(JsonObject json) {
        return new InstagramDisconnected(json.getBoolean("disconnected", false));
    }
}
