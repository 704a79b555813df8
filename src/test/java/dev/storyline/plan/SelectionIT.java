package dev.storyline.plan;

import dev.storyline.config.AppConfig;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** D14 against the real statements: the selection order, and category variety that carries across top-offs. */
class SelectionIT {
    private static final Instant NOW = Instant.parse("2026-11-30T00:10:00Z");
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;
    private static AppConfig.SchedulingConfig scheduling;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        scheduling = TestConfig.parse(TestConfig.keys(db, dataDir)).scheduling();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    /** An image; {@code daysAgo} null = never posted. */
    private static long image(long tenant, String name, String category, Integer daysAgo, int timesPosted) {
        OffsetDateTime last = daysAgo == null ? null : OffsetDateTime.ofInstant(NOW.minus(Duration.ofDays(daysAgo)), ZoneOffset.UTC);
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, category, last_posted_at, "
                + "times_posted) VALUES (?, ?, 'folder', ?, 1, 'image/jpeg', ?, ?, ?)", tenant, "/m/" + tenant + "/" + name, tenant + name,
                category, last, timesPosted);
        return (Long) db.column("SELECT id FROM media_items WHERE tenant_id = ? AND path = ?", tenant, "/m/" + tenant + "/" + name).get(0);
    }

    @Test
    @DisplayName("never posted first, then least recently posted, then fewest posts; locked and recently posted content left out")
    void order() {
        db.insertTenant(-4501, "Order team", "approved", false);
        long oldFew = image(-4501, "old-few.jpg", null, 40, 1);
        long recent = image(-4501, "recent.jpg", null, 10, 1);
        long fresh = image(-4501, "fresh.jpg", null, null, 0);
        long oldMany = image(-4501, "old-many.jpg", null, 40, 5);
        long locked = image(-4501, "locked.jpg", null, null, 0);
        db.execute("INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until) VALUES (-4501, ?, 'rejected', 'infinity')",
                locked);
        List<Long> order = Planner.eligible(pool, -4501, NOW, 7, 10).await().stream().map(Planner.Candidate::id).toList();
        assertThat(order).containsExactly(fresh, oldFew, oldMany, recent);
    }

    @Test
    @DisplayName("a top-off's first pick avoids the category of the slot before it, which the previous top-off planned")
    void varietyAcrossTopOffs() {
        db.insertTenant(-4502, "Variety team", "approved", false);
        db.execute("UPDATE tenants SET posts_per_day = 1 WHERE id = -4502");
        // the order puts every 'cats' image before every 'dogs' one: only the category rule can pick a dog second
        for (int i = 0; i < 3; i++) {
            image(-4502, "cat-" + i + ".jpg", "cats", null, 0);
            image(-4502, "dog-" + i + ".jpg", "dogs", 60, 1);
        }
        Tenant tenant = new TenantRepository(pool).findById(-4502).await().orElseThrow();
        Planner planner = new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(planner.topOff(tenant, 1).await().added()).isEqualTo(1);
        assertThat(planner.topOff(tenant, 2).await().added()).isEqualTo(1);
        assertThat(db.column("SELECT m.category FROM posting_queue q JOIN media_items m ON m.id = q.media_item_id "
                + "WHERE q.tenant_id = -4502 ORDER BY q.scheduled_for")).containsExactly("cats", "dogs");
    }

    @Test
    @DisplayName("a new image takes the soonest empty slot, also when the same top-off adds days at the horizon's end")
    void newImageGoesOutSoonest() {
        db.insertTenant(-4503, "Soonest team", "approved", false);
        db.execute("UPDATE tenants SET posts_per_day = 1 WHERE id = -4503");
        image(-4503, "first.jpg", null, null, 0);
        Tenant tenant = new TenantRepository(pool).findById(-4503).await().orElseThrow();
        Planner planner = new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC));
        Planner.TopOff week = planner.topOff(tenant, 3).await();
        assertThat(week.added()).isEqualTo(3);
        assertThat(week.withoutImage()).as("one image, one slot: the repost lock leaves the rest empty").isEqualTo(2);
        long second = image(-4503, "second.jpg", null, null, 0);
        Planner.TopOff longer = planner.topOff(tenant, 4).await();
        assertThat(longer.added()).isEqualTo(1);
        assertThat(longer.filled()).isEqualTo(1);
        assertThat(db.column("SELECT media_item_id FROM posting_queue WHERE tenant_id = -4503 ORDER BY scheduled_for"))
                .as("second.jpg on day 2, not on the new day 4").containsExactly(
                        db.column("SELECT media_item_id FROM posting_queue WHERE tenant_id = -4503 ORDER BY scheduled_for LIMIT 1").get(0),
                        second, null, null);
    }
}
