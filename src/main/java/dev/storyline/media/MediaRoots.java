package dev.storyline.media;

import dev.storyline.config.AppConfig;
import dev.storyline.tenant.Tenant;

import java.nio.file.Path;

/**
 * Where a tenant's images live (D4): its folder, and the folder its Telegram uploads are stored in;
 * and how large an image of the library may be ({@code MAX_IMAGE_PIXELS}, D25).
 */
public record MediaRoots(Path mediaDir, Path dataDir, long maxPixels) {
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    public MediaRoots(Path mediaDir, Path dataDir) {
        this(mediaDir, dataDir, DEFAULT_MAX_PIXELS);
    }

    public static MediaRoots of(AppConfig config) {
        return new MediaRoots(config.paths().mediaDir(), config.paths().dataDir(), config.scheduling().maxImagePixels());
    }

    /** {@code MEDIA_DIR/<chat id>/}, unless set with {@code tenants set-media-dir}. */
    public Path root(Tenant tenant) {
        return tenant.mediaDir() != null && !tenant.mediaDir().isBlank()
                ? Path.of(tenant.mediaDir()).toAbsolutePath().normalize()
                : mediaDir.resolve(String.valueOf(tenant.id())).toAbsolutePath().normalize();
    }

    /** {@code STORYLINE_DATA_DIR/media/<chat id>/telegram/}. */
    public Path uploads(long tenantId) {
        return dataDir.resolve("media").resolve(String.valueOf(tenantId)).resolve("telegram").toAbsolutePath().normalize();
    }

    /**
     * An upload being fetched, {@code uploads/.incoming/<upload id>}: the Telegram verticle writes it,
     * the media verticle examines it; an id that is not a plain file name is refused.
     */
    public Path incoming(long tenantId, String uploadId) {
        if (!uploadId.matches("[A-Za-z0-9_.-]{1,128}") || uploadId.startsWith(".")) {
            throw new IllegalArgumentException("not an upload id: " + uploadId);
        }
        return uploads(tenantId).resolve(".incoming").resolve(uploadId);
    }
}
