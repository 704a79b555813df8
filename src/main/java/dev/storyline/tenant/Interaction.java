package dev.storyline.tenant;

import io.vertx.core.json.JsonObject;

/** One command, button press or upload in a tenant chat, as {@link InteractionRepository} logs it. */
public record Interaction(long tenantId, Long userId, Long updateId, String kind, String name, JsonObject data) {
}
