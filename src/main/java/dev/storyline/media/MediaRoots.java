package dev.storyline.media;

import dev.storyline.config.AppConfig;
import dev.storyline.tenant.Tenant;

import java.nio.file.Path;

/** Where a tenant's images live (D4): its folder, and the folder its Telegram uploads are stored in. */
public record MediaRoots(Path mediaDir, Path dataDir) {

    public static MediaRoots of(AppConfig.Paths paths) {
        return new MediaRoots(paths.mediaDir(), paths.dataDir());
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
}
