package dev.storyline.plan;

import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * D24 at the statements: once a stale claim is taken back and claimed again, every update its first
 * owner (a process that was only slow, not dead) still makes is refused, so the slot is finished by
 * its current owner alone.
 */
class FencedClaimsIT {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static TestDatabase db;
    private static Vertx vertx;
    private static QueueRepository queue;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        Pool pool = db.pool(vertx);
        queue = new QueueRepository(pool);
        db.insertTenant(-4101, "Fenced", "approved", false);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private static long slot(String key) {
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type) VALUES (-4101, ?, 'folder', ?, 1, "
                + "'image/jpeg')", "/f/" + key + ".jpg", "fenced:" + key);
        OffsetDateTime at = OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC);
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, state) "
                + "SELECT -4101, ?, ?, ?, id, 'planned' FROM media_items WHERE tenant_id = -4101 AND path = ?", key, at, at, "/f/" + key + ".jpg");
        return (Long) db.column("SELECT id FROM posting_queue WHERE tenant_id = -4101 AND slot_key = ?", key).get(0);
    }

    /** Claimed by a slow owner, taken back as stale, claimed again: the old token and the new one. */
    private static long[] reclaimed(long id) {
        QueueItem first = queue.claim(-4101, id, NOW).await().orElseThrow();
        assertThat(queue.reclaimStale(-4101L, NOW.plusSeconds(1), 3).await()).isEqualTo(1);
        QueueItem second = queue.claim(-4101, id, NOW.plus(Duration.ofMinutes(16))).await().orElseThrow();
        assertThat(second.claimToken()).isNotEqualTo(first.claimToken());
        return new long[] {first.claimToken(), second.claimToken()};
    }

    private static String row(long id) {
        return (String) db.column("SELECT state || ' ' || coalesce(telegram_message_id::text, '-') || ' ' || coalesce(last_error, '-') "
                + "FROM posting_queue WHERE id = ?", id).get(0);
    }

    @Test
    @DisplayName("a scheduler still running after its team was paused claims nothing due; after the resume it claims the slot")
    void pausedTenantClaimsNothing() {
        db.insertTenant(-4102, "Resting", "approved", false);
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type) "
                + "VALUES (-4102, '/f/p.jpg', 'folder', 'paused:p', 1, 'image/jpeg')");
        OffsetDateTime at = OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC);
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, state) "
                + "SELECT -4102, 'p', ?, ?, id, 'planned' FROM media_items WHERE tenant_id = -4102", at, at);
        db.execute("UPDATE tenants SET is_paused = true WHERE id = -4102");

        assertThat(queue.claimDue(-4102, NOW.plusSeconds(1), 5).await()).isEmpty();
        assertThat(db.column("SELECT state FROM posting_queue WHERE tenant_id = -4102")).containsExactly("planned");

        db.execute("UPDATE tenants SET is_paused = false WHERE id = -4102");
        assertThat(queue.claimDue(-4102, NOW.plusSeconds(1), 5).await()).hasSize(1);
    }

    @Test
    @DisplayName("the stale owner can neither record its send, nor retry, nor fail the slot; the current owner can")
    void telegramRoute() {
        long id = slot("t");
        long[] tokens = reclaimed(id);
        assertThat(queue.notified(-4101, id, NOW, 11, null, tokens[0]).await()).isFalse();
        assertThat(queue.retry(-4101, id, NOW.plusSeconds(300), "late", tokens[0]).await()).isFalse();
        assertThat(queue.failed(-4101, id, NOW, "late", tokens[0]).await()).isEmpty();
        assertThat(row(id)).isEqualTo("claimed - -");

        assertThat(queue.notified(-4101, id, NOW, 12, null, tokens[1]).await()).isTrue();
        assertThat(row(id)).isEqualTo("notified 12 -");
        assertThat(db.count("SELECT count(*) FROM posting_history WHERE queue_item_id = ?", id)).isZero();
    }

    @Test
    @DisplayName("the stale owner can neither start publishing, store a container, publish nor send the slot back to the chat")
    void instagramRoute() {
        long id = slot("i");
        long[] tokens = reclaimed(id);
        assertThat(queue.publishing(-4101, id, NOW, QueueItem.CLAIMED, tokens[0]).await()).isEmpty();
        long current = queue.publishing(-4101, id, NOW, QueueItem.CLAIMED, tokens[1]).await().orElseThrow();
        assertThat(queue.containerCreated(-4101, id, "old-container", tokens[0]).await()).isFalse();
        assertThat(queue.unpublish(-4101, id, QueueItem.CLAIMED, "late", tokens[0]).await()).isFalse();
        assertThat(queue.published(-4101, id, null, NOW, 30, 3, "m-old", null, tokens[0]).await()).isEmpty();
        assertThat(db.column("SELECT state || ' ' || coalesce(instagram_container_id, '-') FROM posting_queue WHERE id = ?", id))
                .containsExactly("publishing -");

        assertThat(queue.containerCreated(-4101, id, "new-container", current).await()).isTrue();
        assertThat(queue.published(-4101, id, null, NOW, 30, 3, "m-new", null, current).await()).isPresent();
        assertThat(db.column("SELECT instagram_media_id FROM posting_history WHERE queue_item_id = ?", id)).containsExactly("m-new");
    }
}
