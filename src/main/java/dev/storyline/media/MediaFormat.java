package dev.storyline.media;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The formats a story can be made from: images (R20, plus WebP) and videos (D29: MP4 and QuickTime,
 * H.264 or HEVC inside). Recognised by extension first, then by content.
 */
public enum MediaFormat {
    JPEG("image/jpeg", "jpg", List.of("jpg", "jpeg")),
    PNG("image/png", "png", List.of("png")),
    GIF("image/gif", "gif", List.of("gif")),
    WEBP("image/webp", "webp", List.of("webp")),
    MP4("video/mp4", "mp4", List.of("mp4", "m4v")),
    MOV("video/quicktime", "mov", List.of("mov"));

    private final String mimeType;
    private final String extension;
    private final List<String> extensions;

    MediaFormat(String mimeType, String extension, List<String> extensions) {
        this.mimeType = mimeType;
        this.extension = extension;
        this.extensions = extensions;
    }

    public String mimeType() {
        return mimeType;
    }

    public boolean video() {
        return this == MP4 || this == MOV;
    }

    /** Is this MIME type one of the videos (a stored item's {@code mime_type})? */
    public static boolean isVideo(String mimeType) {
        return byMimeType(mimeType).map(MediaFormat::video).orElse(false);
    }

    /** The extension given to files Storyline writes in this format. */
    public String extension() {
        return extension;
    }

    /** Does this file name look like an image or video Storyline indexes (case-insensitive extension)? */
    public static Optional<MediaFormat> byFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.extensions.contains(ext)).findFirst();
    }

    public static Optional<MediaFormat> byMimeType(String mimeType) {
        if (mimeType == null) {
            return Optional.empty();
        }
        String mime = mimeType.toLowerCase(Locale.ROOT).strip();
        return Arrays.stream(values()).filter(f -> f.mimeType.equals(mime) || "image/jpg".equals(mime) && f == JPEG).findFirst();
    }

    /** For messages: "JPEG, PNG, GIF or WebP". */
    public static String accepted() {
        return "JPEG, PNG, GIF or WebP";
    }

    /** For messages: what may be sent, images and videos. */
    public static String acceptedAll() {
        return "JPEG, PNG, GIF or WebP image, or an MP4 or MOV video";
    }
}
