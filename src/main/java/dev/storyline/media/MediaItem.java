package dev.storyline.media;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** One image of a tenant's library, as lists and replies show it. */
public record MediaItem(long id, long tenantId, String path, String source, String hash, long size, String mimeType,
                        Integer width, Integer height, String category, Metadata metadata, List<String> warnings,
                        Long duplicateOf, boolean active, int timesPosted, Instant lastPostedAt, Instant createdAt) {
    public static final String SOURCE_FOLDER = "folder";
    public static final String SOURCE_TELEGRAM = "telegram";

    public MediaItem {
        warnings = List.copyOf(warnings);
    }

    /** The title, else the file name (a photo sent without a caption has none worth showing). */
    public String displayName() {
        if (metadata.title() != null) {
            return metadata.title();
        }
        return SOURCE_TELEGRAM.equals(source) ? "photo #" + id : Path.of(path).getFileName().toString();
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id).put("tenantId", tenantId).put("path", path).put("source", source).put("hash", hash)
                .put("size", size).put("mimeType", mimeType).put("width", width).put("height", height)
                .put("category", category).put("title", metadata.title()).put("link", metadata.link())
                .put("caption", metadata.caption()).put("tags", new JsonArray(metadata.tags()))
                .put("requiresInteraction", metadata.requiresInteraction()).put("customMetadata", metadata.custom())
                .put("warnings", new JsonArray(warnings)).put("duplicateOf", duplicateOf).put("active", active)
                .put("timesPosted", timesPosted).put("lastPostedAt", lastPostedAt).put("createdAt", createdAt);
    }
}
