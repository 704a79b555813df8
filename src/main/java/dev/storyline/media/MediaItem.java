package dev.storyline.media;


import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** One image of a tenant's library, as lists and replies show it. */
public record MediaItem(long id, long tenantId, String path, String source, String hash, long size, String mimeType,
                        Integer width, Integer height, String category, Metadata metadata, List<String> warnings,
                        Long duplicateOf, boolean active, int timesPosted, Instant lastPostedAt, Instant createdAt,
                        long durationMillis) {
    public static final String SOURCE_FOLDER = "folder";
    public static final String SOURCE_TELEGRAM = "telegram";
    /** Imported from the tenant's Instagram account (D31), into the library's folder {@code instagram/}. */
    public static final String SOURCE_INSTAGRAM = "instagram";

    public MediaItem {
        warnings = List.copyOf(warnings);
    }

    /** An MP4 or QuickTime story (D29), sent with sendVideo and published as a video container. */
    public boolean video() {
        return MediaFormat.isVideo(mimeType);
    }

    /** The title, else the file name (a photo sent without a caption has none worth showing). */
    public String displayName() {
        if (metadata.title() != null) {
            return metadata.title();
        }
        return SOURCE_TELEGRAM.equals(source) ? (video() ? "video #" : "photo #") + id : Path.of(path).getFileName().toString();
    }
}
