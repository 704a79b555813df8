package dev.storyline.media;

import dev.storyline.bus.ErrorCode;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.testing.TestDatabase;
import dev.storyline.testing.TestImages;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Folder indexing against a real database and real files (issue 4, points 1–4 and 6). */
class MediaIndexIT {
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;
    private static MediaIndexer indexer;
    private static MediaRepository media;
    private static long nextTenant = -4000;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        indexer = new MediaIndexer(vertx, pool, new MediaRoots(dataDir.resolve("media"), dataDir), Clock.systemUTC(), 2);
        media = new MediaRepository(pool);
    }

    @AfterAll
    static void stop() {
        pool.close().await();
        vertx.close().await();
    }

    private static Tenant tenant(Path folder) {
        long id = nextTenant--;
        db.insertTenant(id, "Team " + id, "approved", false);
        if (folder != null) {
            new TenantRepository(pool).setMediaDir(id, folder.toString(), "cli").await();
        }
        return new TenantRepository(pool).findById(id).await().orElseThrow();
    }

    private static IndexSummary index(Tenant tenant) {
        return indexer.index(tenant, null, Trigger.CLI, null, FolderScanner.Progress.NONE).await();
    }

    private static Map<String, MediaItem> items(Tenant tenant, Path root) {
        return media.list(tenant.id(), 1000, true).await().stream()
                .collect(Collectors.toMap(i -> root.relativize(Path.of(i.path())).toString(), Function.identity()));
    }

    /** The acceptance folder: four formats, a text file, a corrupt JPEG, a 1×1 PNG, a copy and metadata. */
    private static Path library(Path root) {
        TestImages.write(root.resolve("sunset.jpg"), "jpg", 1080, 1920, Color.ORANGE);
        TestImages.write(root.resolve("products/shirt.png"), "png", 1080, 1920, Color.BLUE);
        TestImages.write(root.resolve("products/cat.gif"), "gif", 720, 1280, Color.GRAY);
        TestImages.webp(root.resolve("products/sale.webp"), 1080, 1920);
        TestImages.text(root.resolve("notes.txt"), "not an image");
        TestImages.corruptJpeg(root.resolve("broken.jpg"));
        TestImages.write(root.resolve("tiny.png"), "png", 1, 1, Color.WHITE);
        TestImages.text(root.resolve("products/metadata.json"), """
                {"default_tags": ["shop"],
                 "items": [{"file_name": "shirt.png", "title": "Blue shirt", "link_url": "https://shop.example/shirt",
                            "tags": ["shirt", "#Sale"], "custom_metadata": {"sku": "S-1"}}]}""");
        TestImages.text(root.resolve("products/cat.json"), """
                {"title": "Cat", "caption": "Meow"}""");
        TestImages.write(root.resolve("misc/extra.jpg"), "jpg", 1080, 1920, Color.MAGENTA);
        TestImages.text(root.resolve("misc/metadata.json"), "{\n  \"default_tags\": [\"x\",\n}");
        TestImages.write(root.resolve(".hidden/secret.jpg"), "jpg", 1080, 1920, Color.BLACK);
        try {
            Files.copy(root.resolve("sunset.jpg"), root.resolve("zz-copy-of-sunset.jpg"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return root;
    }

    @Test
    @DisplayName("a 20000×20000 PNG in a folder is refused with its size and the limit; the other images are indexed")
    void decompressionBomb(@TempDir Path root) {
        TestImages.hugePng(root.resolve("bomb.png"), 20_000, 20_000);
        TestImages.write(root.resolve("fine.jpg"), "jpg", 1080, 1920, Color.ORANGE);
        Tenant tenant = tenant(root);

        IndexSummary summary = index(tenant);

        assertThat(summary.added()).isEqualTo(1);
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.problems()).containsExactly("bomb.png: Too large: 20000×20000, the limit is 50 MP");
        assertThat(items(tenant, root).keySet()).containsExactly("fine.jpg");
    }

    @Test
    @DisplayName("a mixed folder gives exactly the expected counters, items and metadata; a second run changes nothing")
    void mixedFolder(@TempDir Path root) {
        library(root);
        Tenant tenant = tenant(root);

        IndexSummary first = index(tenant);

        assertThat(first).extracting(IndexSummary::added, IndexSummary::updated, IndexSummary::unchanged, IndexSummary::duplicates,
                IndexSummary::deactivated, IndexSummary::skipped, IndexSummary::errors)
                .containsExactly(6, 0, 0, 1, 0, 1, 2);
        assertThat(first.libraryActive()).isEqualTo(7);
        assertThat(first.problems()).hasSize(2);
        assertThat(first.problems()).anySatisfy(p -> assertThat(p).startsWith("broken.jpg: Failed to open image: corrupt JPEG"));
        assertThat(first.problems()).anySatisfy(p -> assertThat(p).startsWith("misc/metadata.json line 3: not valid JSON"));

        Map<String, MediaItem> items = items(tenant, root);
        assertThat(items.keySet()).containsExactlyInAnyOrder("sunset.jpg", "products/shirt.png", "products/cat.gif",
                "products/sale.webp", "tiny.png", "misc/extra.jpg", "zz-copy-of-sunset.jpg");
        MediaItem shirt = items.get("products/shirt.png");
        assertThat(shirt.metadata().title()).isEqualTo("Blue shirt");
        assertThat(shirt.metadata().link()).isEqualTo("https://shop.example/shirt");
        assertThat(shirt.metadata().tags()).containsExactly("shirt", "sale");
        assertThat(shirt.metadata().requiresInteraction()).isTrue();
        assertThat(shirt.metadata().custom()).isEqualTo(new JsonObject().put("sku", "S-1"));
        assertThat(shirt.category()).isEqualTo("products");
        assertThat(shirt.mimeType()).isEqualTo("image/png");
        assertThat(shirt.source()).isEqualTo("folder");
        MediaItem cat = items.get("products/cat.gif");
        assertThat(cat.metadata().title()).isEqualTo("Cat");
        assertThat(cat.metadata().caption()).isEqualTo("Meow");
        assertThat(cat.metadata().tags()).containsExactly("shop");
        assertThat(cat.metadata().requiresInteraction()).isFalse();
        assertThat(items.get("products/sale.webp").mimeType()).isEqualTo("image/webp");
        assertThat(items.get("misc/extra.jpg").metadata().tags()).isEmpty();
        assertThat(items.get("tiny.png").warnings()).containsExactly("Low resolution: 1x1. Minimum recommended: 720x1280");
        assertThat(items.get("sunset.jpg").category()).isNull();
        assertThat(items.get("sunset.jpg").duplicateOf()).isNull();
        assertThat(items.get("zz-copy-of-sunset.jpg").duplicateOf()).isEqualTo(items.get("sunset.jpg").id());
        assertThat(items.get("zz-copy-of-sunset.jpg").hash()).isEqualTo(items.get("sunset.jpg").hash());
        assertThat(media.counts(tenant.id()).await()).extracting(MediaRepository.Counts::active,
                MediaRepository.Counts::neverPosted, MediaRepository.Counts::withWarnings).containsExactly(7L, 7L, 1L);

        Object updatedBefore = db.column("SELECT max(updated_at) FROM media_items WHERE tenant_id = ?", tenant.id()).get(0);
        IndexSummary second = index(tenant);

        assertThat(second).extracting(IndexSummary::added, IndexSummary::updated, IndexSummary::unchanged, IndexSummary::duplicates,
                IndexSummary::deactivated, IndexSummary::skipped, IndexSummary::errors)
                .containsExactly(0, 0, 7, 0, 0, 1, 2);
        assertThat(db.column("SELECT max(updated_at) FROM media_items WHERE tenant_id = ?", tenant.id()).get(0)).isEqualTo(updatedBefore);
        assertThat(db.count("SELECT count(*) FROM media_items WHERE tenant_id = ?", tenant.id())).isEqualTo(7);
    }

    @Test
    @DisplayName("a replaced file is updated (counters start again), a deleted one deactivated, a restored one active again")
    void replaceDeleteRestore(@TempDir Path root) throws Exception {
        TestImages.write(root.resolve("a.jpg"), "jpg", 1080, 1920, Color.RED);
        TestImages.write(root.resolve("b.jpg"), "jpg", 1080, 1920, Color.GREEN);
        Files.copy(root.resolve("a.jpg"), root.resolve("c.jpg"));
        Tenant tenant = tenant(root);
        index(tenant);
        Map<String, MediaItem> before = items(tenant, root);
        assertThat(before.get("c.jpg").duplicateOf()).isEqualTo(before.get("a.jpg").id());
        db.execute("UPDATE media_items SET times_posted = 3, last_posted_at = now() WHERE id = ?", before.get("a.jpg").id());

        TestImages.write(root.resolve("a.jpg"), "jpg", 1080, 1920, Color.YELLOW);
        IndexSummary replaced = index(tenant);

        assertThat(replaced).extracting(IndexSummary::added, IndexSummary::updated, IndexSummary::unchanged)
                .containsExactly(0, 1, 2);
        MediaItem a = items(tenant, root).get("a.jpg");
        assertThat(a.id()).isEqualTo(before.get("a.jpg").id());
        assertThat(a.hash()).isNotEqualTo(before.get("a.jpg").hash());
        assertThat(a.timesPosted()).isZero();
        assertThat(a.lastPostedAt()).isNull();
        assertThat(items(tenant, root).get("c.jpg").duplicateOf()).as("no longer the same content").isNull();

        Path b = root.resolve("b.jpg");
        Path away = Files.move(b, root.resolveSibling(root.getFileName() + "-b.jpg"), StandardCopyOption.REPLACE_EXISTING);
        IndexSummary deleted = index(tenant);

        assertThat(deleted.deactivated()).isEqualTo(1);
        assertThat(deleted.libraryActive()).isEqualTo(2);
        assertThat(items(tenant, root).get("b.jpg").active()).isFalse();

        Files.move(away, b);
        IndexSummary restored = index(tenant);

        assertThat(restored).extracting(IndexSummary::added, IndexSummary::updated, IndexSummary::deactivated)
                .containsExactly(0, 1, 0);
        assertThat(items(tenant, root).get("b.jpg").active()).isTrue();
        assertThat(db.count("SELECT count(*) FROM media_items WHERE tenant_id = ?", tenant.id())).isEqualTo(3);
    }

    @Test
    @DisplayName("changed metadata of an unchanged file is taken on the next run")
    void metadataChange(@TempDir Path root) {
        TestImages.write(root.resolve("a.jpg"), "jpg", 1080, 1920, Color.RED);
        Tenant tenant = tenant(root);
        index(tenant);

        TestImages.text(root.resolve("a.json"), "{\"title\": \"Renamed\", \"tags\": \"one, two\"}");
        IndexSummary summary = index(tenant);

        assertThat(summary).extracting(IndexSummary::updated, IndexSummary::unchanged).containsExactly(1, 0);
        MediaItem a = items(tenant, root).get("a.jpg");
        assertThat(a.metadata().title()).isEqualTo("Renamed");
        assertThat(a.metadata().tags()).containsExactly("one", "two");
    }

    @Test
    @DisplayName("two tenants indexing the same files get separate items, and no query of one returns the other's")
    void tenantsAreSeparate(@TempDir Path root) {
        library(root);
        Tenant one = tenant(root);
        Tenant two = tenant(root);

        assertThat(index(one).added()).isEqualTo(6);
        assertThat(index(two).added()).as("the other tenant's copies are not duplicates").isEqualTo(6);

        List<MediaItem> ones = media.list(one.id(), 1000, true).await();
        List<MediaItem> twos = media.list(two.id(), 1000, true).await();
        assertThat(ones).hasSize(7).allSatisfy(i -> assertThat(i.tenantId()).isEqualTo(one.id()));
        assertThat(twos).hasSize(7).allSatisfy(i -> assertThat(i.tenantId()).isEqualTo(two.id()));
        assertThat(ones).extracting(MediaItem::id).doesNotContainAnyElementsOf(twos.stream().map(MediaItem::id).toList());
        assertThat(twos).filteredOn(i -> i.duplicateOf() != null)
                .allSatisfy(i -> assertThat(twos).extracting(MediaItem::id).contains(i.duplicateOf()));
        MediaItem sunset = ones.stream().filter(i -> i.path().endsWith("sunset.jpg")).findFirst().orElseThrow();
        assertThat(media.byHash(two.id(), sunset.hash()).await()).get().extracting(MediaItem::tenantId).isEqualTo(two.id());
        assertThat(media.byId(two.id(), sunset.id()).await()).isEmpty();
    }

    @Test
    @DisplayName("a run is recorded in service_runs with its inputs and counters")
    void serviceRun(@TempDir Path root) {
        TestImages.write(root.resolve("a.jpg"), "jpg", 1080, 1920, Color.RED);
        Tenant tenant = tenant(root);
        index(tenant);

        assertThat(db.column("SELECT service || ' ' || trigger || ' ' || status FROM service_runs WHERE tenant_id = ?", tenant.id()))
                .containsExactly("media.index cli completed");
        JsonObject summary = new JsonObject(String.valueOf(db.column("SELECT summary FROM service_runs WHERE tenant_id = ?", tenant.id()).get(0)));
        assertThat(summary.getInteger("added")).isEqualTo(1);
        assertThat(db.column("SELECT inputs->>'directory' FROM service_runs WHERE tenant_id = ?", tenant.id()))
                .containsExactly(root.toAbsolutePath().normalize().toString());
    }

    @Test
    @DisplayName("two runs for one tenant never overlap, even from another process; a missing folder is a clear error")
    void exclusiveAndChecked(@TempDir Path root) throws Exception {
        TestImages.write(root.resolve("a.jpg"), "jpg", 1080, 1920, Color.RED);
        Tenant tenant = tenant(root);
        try (Connection other = db.connect();
             PreparedStatement lock = other.prepareStatement(
                     "SELECT pg_advisory_lock(hashtextextended('storyline.media.index:' || ?, 0))")) {
            lock.setString(1, String.valueOf(tenant.id()));
            lock.execute();

            assertThatThrownBy(() -> index(tenant)).isInstanceOf(MediaException.class)
                    .hasMessageContaining("already running")
                    .extracting(e -> ((MediaException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        }
        // the server ends the other session a moment after its connection closed: the lock goes with it
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(MediaException.class)
                .untilAsserted(() -> assertThat(index(tenant).added()).as("the lock is gone with the other session").isEqualTo(1));

        Tenant nowhere = tenant(root.resolve("missing"));
        assertThatThrownBy(() -> index(nowhere)).isInstanceOf(MediaException.class)
                .hasMessageContaining("does not exist")
                .extracting(e -> ((MediaException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> indexer.index(tenant, root.resolve("nope"), Trigger.CLI, null, FolderScanner.Progress.NONE).await())
                .hasMessageStartingWith("Directory not found");
    }

    @Test
    @DisplayName("D29: MP4 and MOV stories join the library with duration and codec; a 90 s video and an MPEG-4 Part 2 one are refused with the reason")
    void videos() throws Exception {
        Path root = dataDir.resolve("videos");
        Files.createDirectories(root.resolve("reels"));
        dev.storyline.testing.TestVideos.mp4(root.resolve("reels/clip.mp4"), 10);
        dev.storyline.testing.TestVideos.write(root.resolve("reels/phone.MOV"), 15, 1080, 1920, "hvc1", 2048, true);
        dev.storyline.testing.TestVideos.mp4(root.resolve("reels/long.mp4"), 90);
        dev.storyline.testing.TestVideos.write(root.resolve("reels/old.mp4"), 10, 1080, 1920, "mp4v", 2048, false);
        TestImages.write(root.resolve("reels/cover.jpg"), "jpg", 1080, 1920, Color.ORANGE);
        Tenant tenant = tenant(root);

        IndexSummary summary = index(tenant);

        assertThat(summary.added()).isEqualTo(3);
        assertThat(summary.errors()).isEqualTo(2);
        assertThat(summary.problems()).anyMatch(p -> p.contains("long.mp4") && p.contains("Too long: 90.0 s; a story video lasts 3–60 s"))
                .anyMatch(p -> p.contains("old.mp4") && p.contains("Unsupported video codec: mp4v"));
        assertThat(db.column("SELECT path || ' ' || mime_type || ' ' || coalesce(duration_ms::text, '-') || ' ' || coalesce(video_codec, '-')"
                + " || ' ' || category FROM media_items WHERE tenant_id = ? ORDER BY path", tenant.id())).containsExactly(
                root.resolve("reels/clip.mp4") + " video/mp4 10000 H.264 reels",
                root.resolve("reels/cover.jpg") + " image/jpeg - - reels",
                root.resolve("reels/phone.MOV") + " video/quicktime 15000 HEVC reels");
        MediaRepository.Counts counts = media.counts(tenant.id()).await();
        assertThat(counts.images()).isEqualTo(1);
        assertThat(counts.videos()).isEqualTo(2);
    }
}
