package dev.storyline.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What became of an upload: {@code ADDED} (with the item's name, warnings and the library's size),
 * {@code DUPLICATE} (already in the library as {@code name}) or {@code REFUSED} (with the reason);
 * {@code category} when a caption's #tag put the upload in one of the team's categories (D27).
 */
public record MediaUploadResult(Outcome outcome, Long itemId, String name, List<String> warnings, String reason,
                                long libraryActive, String category) {
    public enum Outcome { ADDED, DUPLICATE, REFUSED }

    public MediaUploadResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static MediaUploadResult added(long itemId, String name, List<String> warnings, long libraryActive, String category) {
        return new MediaUploadResult(Outcome.ADDED, itemId, name, warnings, null, libraryActive, category);
    }

    public static MediaUploadResult duplicate(long itemId, String name, long libraryActive) {
        return new MediaUploadResult(Outcome.DUPLICATE, itemId, name, List.of(), null, libraryActive, null);
    }

    public static MediaUploadResult refused(String reason) {
        return new MediaUploadResult(Outcome.REFUSED, null, null, List.of(), reason, 0, null);
    }

    public JsonObject toJson() {
        return new JsonObject().put("outcome", outcome.name()).put("itemId", itemId).put("name", name)
                .put("warnings", new JsonArray(warnings)).put("reason", reason).put("libraryActive", libraryActive).put("category", category);
    }

    public static MediaUploadResult fromJson(JsonObject json) {
        return new MediaUploadResult(Outcome.valueOf(json.getString("outcome")), json.getLong("itemId"), json.getString("name"),
                json.getJsonArray("warnings", new JsonArray()).stream().map(String::valueOf).toList(), json.getString("reason"),
                json.getLong("libraryActive", 0L), json.getString("category"));
    }
}
