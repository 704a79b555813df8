package dev.storyline.plan;

import dev.storyline.tenant.CategoryMix;
import dev.storyline.tenant.CategoryMixRepository;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** D27 against the real statements: a top-off honours the tenant's category mix over each day and the horizon. */
class CategoryMixIT {
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

    private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();

    private static void images(long tenant, String category, int count) {
        for (int n = 0; n < count; n++) {
            int i = SEQUENCE.incrementAndGet();
            db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, category) "
                    + "VALUES (?, ?, 'folder', ?, 1, 'image/jpeg', ?)", tenant, "/m/" + tenant + "/" + category + "/" + i + ".jpg",
                    tenant + category + i, category);
        }
    }

    private static Tenant team(long id, int postsPerDay) {
        db.insertTenant(id, "Mix team " + id, "approved", false);
        db.execute("UPDATE tenants SET posts_per_day = ?, posting_hours_start = 8, posting_hours_end = 20, timezone = 'UTC' WHERE id = ?",
                postsPerDay, id);
        return new TenantRepository(pool).findById(id).await().orElseThrow();
    }

    /** Planned slots per local date and category. */
    private static Map<String, Map<String, Long>> plan(long tenant) {
        List<Object> rows = db.column("SELECT q.local_date || ' ' || m.category FROM posting_queue q JOIN media_items m "
                + "ON m.id = q.media_item_id WHERE q.tenant_id = ? ORDER BY q.scheduled_for", tenant);
        return rows.stream().map(String::valueOf).collect(Collectors.groupingBy(r -> r.split(" ")[0], java.util.TreeMap::new,
                Collectors.groupingBy(r -> r.split(" ")[1], Collectors.counting())));
    }

    private static long total(Map<String, Map<String, Long>> plan, String category) {
        return plan.values().stream().mapToLong(day -> day.getOrDefault(category, 0L)).sum();
    }

    @Test
    @DisplayName("memes/ and merch/ at 70/30, 7 days × 5: 24–25 and 10–11 slots, each day 3–4 and 1–2")
    void seventyThirty() {
        Tenant tenant = team(-4601, 5);
        images(-4601, "memes", 40);
        images(-4601, "merch", 20);
        new CategoryMixRepository(pool).set(-4601, CategoryMix.parse("memes 70, merch 30"), NOW, null, "cli").await();
        tenant = new TenantRepository(pool).findById(-4601).await().orElseThrow();

        Planner.TopOff result = new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC)).topOff(tenant, 7).await();

        assertThat(result.added()).isEqualTo(35);
        Map<String, Map<String, Long>> plan = plan(-4601);
        assertThat(plan).hasSize(7);
        assertThat(total(plan, "memes")).isBetween(24L, 25L);
        assertThat(total(plan, "merch")).isBetween(10L, 11L);
        assertThat(plan.values()).allSatisfy(day -> {
            assertThat(day.get("memes")).isBetween(3L, 4L);
            assertThat(day.get("merch")).isBetween(1L, 2L);
        });
    }

    @Test
    @DisplayName("planning by performance (D31): on, the category whose stories reached more followers fills the slots but for the explored ones; off, variety")
    void byPerformance() {
        for (long id : new long[] {-4611, -4612}) {
            team(id, 5);
            images(id, "reels", 10);
            images(id, "quotes", 10);
            // each image went out once, 40 days ago: the reels reached 10 % of 1,000 followers, the quotes 2 %
            db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, completed_at, "
                    + "instagram_media_id, insights_ended_at, insights_end) SELECT tenant_id, 7000000 + id, id, 'k' || id, ?, 'posted', ?, 'M' || id, ?, 'final' "
                    + "FROM media_items WHERE tenant_id = ?", NOW.minus(java.time.Duration.ofDays(40)).atOffset(ZoneOffset.UTC),
                    NOW.minus(java.time.Duration.ofDays(40)).atOffset(ZoneOffset.UTC), NOW.minus(java.time.Duration.ofDays(39)).atOffset(ZoneOffset.UTC), id);
            db.execute("INSERT INTO instagram_post_metrics (tenant_id, history_id, instagram_media_id, taken_at, age_minutes, is_final, reach, followers) "
                    + "SELECT h.tenant_id, h.id, h.instagram_media_id, h.completed_at + interval '22 hours', 1320, true, "
                    + "CASE m.category WHEN 'reels' THEN 100 ELSE 20 END, 1000 FROM posting_history h JOIN media_items m ON m.id = h.media_item_id "
                    + "WHERE h.tenant_id = ?", id);
        }
        new TenantRepository(pool).change(new TenantRepository(pool).findById(-4611).await().orElseThrow(),
                TenantRepository.Actor.system(), t -> t.withPerformancePlanning(true), NOW).await();
        Tenant on = new TenantRepository(pool).findById(-4611).await().orElseThrow();
        Tenant off = new TenantRepository(pool).findById(-4612).await().orElseThrow();
        assertThat(on.performancePlanning()).isTrue();
        assertThat(off.performancePlanning()).isFalse();

        new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC), () -> new java.util.Random(5)).topOff(on, 2).await();
        new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC), () -> new java.util.Random(5)).topOff(off, 2).await();

        java.util.Random draws = new java.util.Random(5);
        int explored = 0;
        for (int i = 0; i < 10; i++) {
            explored += draws.nextDouble() < Preference.EXPLORE ? 1 : 0;
        }
        assertThat(explored).as("this seed explores a few of the 10 picks").isBetween(1, 3);
        assertThat(total(plan(-4611), "reels")).as("every pick but the explored ones").isGreaterThanOrEqualTo(10L - explored);
        assertThat(total(plan(-4612), "reels")).as("off: categories alternate").isEqualTo(5);
        assertThat(total(plan(-4612), "quotes")).isEqualTo(5);
    }

    @Test
    @DisplayName("a category with nothing eligible yields its slots to the next one; a left-out category gets none; no mix = variety")
    void emptyCategoryYields() {
        Tenant tenant = team(-4602, 4);
        images(-4602, "memes", 30);
        images(-4602, "merch", 2);
        images(-4602, "old", 30);
        new CategoryMixRepository(pool).set(-4602, CategoryMix.parse("memes 50, merch 50"), NOW, null, "cli").await();
        tenant = new TenantRepository(pool).findById(-4602).await().orElseThrow();

        Planner.TopOff result = new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC)).topOff(tenant, 3).await();

        assertThat(result.added()).isEqualTo(12);
        assertThat(result.withoutImage()).isZero();
        Map<String, Map<String, Long>> plan = plan(-4602);
        assertThat(total(plan, "merch")).as("all merch there is").isEqualTo(2);
        assertThat(total(plan, "memes")).as("memes took merch's share").isEqualTo(10);
        assertThat(total(plan, "old")).as("left out of the mix").isZero();
    }

    @Test
    @DisplayName("a mix change re-plans the slots nobody tried: the next top-off follows the new mix")
    void changeReplans() {
        Tenant tenant = team(-4603, 5);
        images(-4603, "memes", 40);
        images(-4603, "merch", 40);
        Planner planner = new Planner(pool, scheduling, Clock.fixed(NOW, ZoneOffset.UTC));
        new CategoryMixRepository(pool).set(-4603, CategoryMix.parse("memes 80, merch 20"), NOW, null, "cli").await();
        planner.topOff(new TenantRepository(pool).findById(-4603).await().orElseThrow(), 4).await();
        assertThat(total(plan(-4603), "memes")).isEqualTo(16);

        new CategoryMixRepository(pool).set(-4603, CategoryMix.parse("memes 20, merch 80"), NOW, null, "cli").await();
        assertThat(db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -4603")).as("unsent slots dropped").isZero();
        planner.topOff(new TenantRepository(pool).findById(-4603).await().orElseThrow(), 4).await();
        assertThat(total(plan(-4603), "merch")).isEqualTo(16);
        assertThat(total(plan(-4603), "memes")).isEqualTo(4);
    }

    /** Posts one image of the category: it is locked for the repost interval, so the category has one item fewer to give. */
    private static void post(long tenant, String category) {
        db.execute("INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until) SELECT tenant_id, id, 'posted', ? FROM media_items m "
                + "WHERE tenant_id = ? AND category = ? AND NOT EXISTS (SELECT 1 FROM media_locks l WHERE l.media_item_id = m.id) "
                + "ORDER BY id LIMIT 1", java.time.OffsetDateTime.ofInstant(NOW.plus(java.time.Duration.ofDays(30)), ZoneOffset.UTC), tenant, category);
    }

    private static List<Object> warnings(long tenant) {
        return db.column("SELECT params->>'text' FROM outbox_messages WHERE chat_id = ? AND params->>'text' LIKE '%Runway%' ORDER BY id", tenant);
    }

    @Test
    @DisplayName("D28: a category with 3 items at 1 a day is warned once ⚠️, once 🔴 when it falls to 2 days, not at every check; after recovering it is warned again")
    void runwayWarnings() {
        Tenant tenant = team(-4604, 2);
        images(-4604, "memes", 40);
        images(-4604, "merch", 3);
        new CategoryMixRepository(pool).set(-4604, CategoryMix.parse("memes 50, merch 50"), NOW, null, "cli").await();
        Runways runways = new Runways(pool, Clock.fixed(NOW, ZoneOffset.UTC), new dev.storyline.notice.Notices(pool, null));

        assertThat(runways.figures(tenant).await()).extracting(Runway::line)
                .containsExactly("merch: 3 days left ⚠️", "memes: 40 days left");
        assertThat(runways.check(tenant).await()).extracting(Runway::category).containsExactly("merch");
        assertThat(runways.check(tenant).await()).as("the same level is not said twice").isEmpty();
        assertThat(warnings(-4604)).containsExactly("⚠️ Runway: <b>merch</b> runs low: 3 days left (3 items ready, 1 a day). "
                + "Add images to its folder <code>merch/</code> or send them here with <code>#merch</code> in the caption.");

        post(-4604, "merch");
        assertThat(runways.check(tenant).await()).extracting(Runway::line).containsExactly("merch: 2 days left 🔴");
        post(-4604, "memes");
        assertThat(runways.check(tenant).await()).isEmpty();
        assertThat(warnings(-4604)).hasSize(2);
        assertThat((String) warnings(-4604).get(1)).startsWith("🔴 Runway: <b>merch</b> is about to run out: 2 days left (2 items ready, 1 a day). "
                + "When it is empty its slots go to other categories.");

        images(-4604, "merch", 20); // recovers: 22 days
        assertThat(runways.check(tenant).await()).isEmpty();
        assertThat(db.count("SELECT count(*) FROM runway_warnings WHERE tenant_id = -4604")).isZero();
        for (int i = 0; i < 16; i++) {
            post(-4604, "merch");
        }
        assertThat(runways.check(tenant).await()).as("runs low again after recovering: told again")
                .extracting(Runway::line).containsExactly("merch: 6 days left ⚠️");
        assertThat(warnings(-4604)).hasSize(3);

        assertThat(runways.check(tenant.withPaused(true, "holiday")).await()).as("a paused team uses nothing up").isEmpty();
        assertThat(Runways.compute(CategoryMix.NONE, Map.of("memes", 4L, "", 2L), 3)).extracting(Runway::line)
                .containsExactly("library: 2 days left 🔴");
    }
}
