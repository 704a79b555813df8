package dev.storyline.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The Telegram poller's state, for health: when it last polled successfully, what went wrong since, and
 * since when the batch in hand is being handled (null when none is).
 */
public record PollerStatus(Instant startedAt, Instant lastPollOkAt, String lastError, boolean conflict, String botUsername,
                           Instant batchSince) {
    public JsonObject toJson() {
        return new JsonObject().put("startedAt", startedAt).put("lastPollOkAt", lastPollOkAt).put("lastError", lastError)
                .put("conflict", conflict).put("botUsername", botUsername).put("batchSince", batchSince);
    }

    public static PollerStatus fromJson(JsonObject json) {
        return new PollerStatus(json.getInstant("startedAt"), json.getInstant("lastPollOkAt"), json.getString("lastError"),
                json.getBoolean("conflict", false), json.getString("botUsername"), json.getInstant("batchSince"));
    }
}
