package dev.storyline.bus;

import dev.storyline.run.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * Import what the tenant's Instagram account already posted (D31): its live stories and its media
 * since {@code since} (null: as far back as Graph lists), at most {@code limit} of them, newest first.
 * From the chat, {@code chatId} and {@code messageId} name the message the progress is shown in.
 */
public record InstagramBackfill(long tenantId, Instant since, int limit, Trigger trigger, Long userId, Long chatId, Long messageId) {
    public static final int DEFAULT_LIMIT = 200;
    public static final int MAX_LIMIT = 5_000;

    public InstagramBackfill {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("since", since == null ? null : since.toString()).put("limit", limit)
                .put("trigger", trigger.wire()).put("userId", userId).put("chatId", chatId).put("messageId", messageId);
    }

    /** @throws IllegalArgumentException when the tenant, the trigger or the time is missing or unreadable */
    public static InstagramBackfill fromJson(JsonObject json) {
        long tenantId = Json.requiredLong(json, "tenantId");
        Trigger trigger = Trigger.fromWire(json.getString("trigger", Trigger.SYSTEM.wire()))
                .orElseThrow(() -> new IllegalArgumentException("unknown trigger " + json.getString("trigger")));
        Instant since;
        try {
            since = json.getString("since") == null ? null : Instant.parse(json.getString("since"));
        } catch (java.time.format.DateTimeParseException | ClassCastException e) {
            throw new IllegalArgumentException("since must be a time such as 2026-11-01T00:00:00Z");
        }
        return new InstagramBackfill(tenantId, since, json.getInteger("limit", DEFAULT_LIMIT), trigger, json.getLong("userId"),
                json.getLong("chatId"), json.getLong("messageId"));
    }

    /**
     * What a backfill did: {@code listed} items read from Graph, {@code imported} new to the library,
     * {@code known} imported or published before (by media id), {@code duplicates} whose content the
     * library already held (recorded as posts of that item), {@code skipped} (no file offered, or not
     * an image or video Storyline can use), {@code failed} (a download that did not work; the next run
     * tries again), with a line for each problem.
     */
    public record Summary(long tenantId, int listed, int imported, int known, int duplicates, int skipped, int failed,
                          List<String> problems, long durationMillis) {
        public Summary {
            problems = List.copyOf(problems);
        }

        public JsonObject toJson() {
            return new JsonObject().put("tenantId", tenantId).put("listed", listed).put("imported", imported).put("known", known)
                    .put("duplicates", duplicates).put("skipped", skipped).put("failed", failed)
                    .put("problems", new JsonArray(problems)).put("durationMillis", durationMillis);
        }

        public static Summary fromJson(JsonObject json) {
            return new Summary(Json.requiredLong(json, "tenantId"), json.getInteger("listed", 0), json.getInteger("imported", 0),
                    json.getInteger("known", 0), json.getInteger("duplicates", 0), json.getInteger("skipped", 0),
                    json.getInteger("failed", 0), json.getJsonArray("problems", new JsonArray()).stream().map(String::valueOf).toList(),
                    json.getLong("durationMillis", 0L));
        }
    }
}
