package dev.storyline.media;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What one index run did (R25), as returned to the caller and written to {@code service_runs}:
 * {@code added} new images, {@code updated} replaced, re-described or returned ones,
 * {@code unchanged}, {@code duplicates} (new paths with content already in the library, indexed and
 * flagged), {@code deactivated} (files that disappeared), {@code skipped} (not images) and
 * {@code errors} (files that are not valid images, unreadable metadata), explained in {@code problems}.
 */
public record IndexSummary(long tenantId, String root, int added, int updated, int unchanged, int duplicates,
                           int deactivated, int skipped, int errors, List<String> problems, long libraryActive,
                           long durationMillis) {
    /** At most this many problems are kept: enough to act on, bounded for the database and the chat. */
    public static final int MAX_PROBLEMS = 50;

    public IndexSummary {
        problems = List.copyOf(problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
    }

    public JsonObject toJson() {
        return new JsonObject().put("tenantId", tenantId).put("root", root)
                .put("added", added).put("updated", updated).put("unchanged", unchanged).put("duplicates", duplicates)
                .put("deactivated", deactivated).put("skipped", skipped).put("errors", errors)
                .put("problems", new JsonArray(problems)).put("libraryActive", libraryActive)
                .put("durationMs", durationMillis);
    }

    public static IndexSummary fromJson(JsonObject json) {
        return new IndexSummary(json.getLong("tenantId"), json.getString("root"), json.getInteger("added"),
                json.getInteger("updated"), json.getInteger("unchanged"), json.getInteger("duplicates"),
                json.getInteger("deactivated"), json.getInteger("skipped"), json.getInteger("errors"),
                json.getJsonArray("problems", new JsonArray()).stream().map(String::valueOf).toList(),
                json.getLong("libraryActive", 0L), json.getLong("durationMs", 0L));
    }
}
