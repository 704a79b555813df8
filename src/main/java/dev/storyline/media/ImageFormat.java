package dev.storyline.media;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The image formats a story can be made from (R20, plus WebP): recognised by extension first, then by content. */
public enum ImageFormat {
    JPEG("image/jpeg", "jpg", List.of("jpg", "jpeg")),
    PNG("image/png", "png", List.of("png")),
    GIF("image/gif", "gif", List.of("gif")),
    WEBP("image/webp", "webp", List.of("webp"));

    private final String mimeType;
    private final String extension;
    private final List<String> extensions;

    ImageFormat(String mimeType, String extension, List<String> extensions) {
        this.mimeType = mimeType;
        this.extension = extension;
        this.extensions = extensions;
    }

    public String mimeType() {
        return mimeType;
    }

    /** The extension given to files Storyline writes in this format. */
    public String extension() {
        return extension;
    }

    /** Does this file name look like an image Storyline indexes (case-insensitive extension)? */
    public static Optional<ImageFormat> byFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.extensions.contains(ext)).findFirst();
    }

    public static Optional<ImageFormat> byMimeType(String mimeType) {
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
}
