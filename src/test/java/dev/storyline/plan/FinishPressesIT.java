package dev.storyline.plan;

import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Presses ended together in one statement (the posting verticle's group commit) keep every rule of a single press. */
class FinishPressesIT {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        db.insertTenant(-4001, "One", "approved", false);
        db.insertTenant(-4002, "Two", "approved", false);
        db.execute("INSERT INTO users (id, first_name) VALUES (91, 'A'), (92, 'B')");
        for (long tenant : new long[] {-4001, -4002}) {
            for (int i = 0; i < 3; i++) {
                db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type) VALUES (?, ?, 'folder', ?, 1, "
                        + "'image/jpeg')", tenant, "/x/" + tenant + "/" + i + ".jpg", tenant + ":" + i);
                db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, state, notified_at, "
                        + "telegram_message_id) SELECT ?, ?, ?, ?, id, ?, ?, 7 FROM media_items WHERE tenant_id = ? AND path = ?", tenant,
                        "s" + i, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC), OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC),
                        i == 2 ? "planned" : "notified", OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC), tenant, "/x/" + tenant + "/" + i + ".jpg");
            }
        }
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private static long slot(long tenant, String key) {
        return (Long) db.column("SELECT id FROM posting_queue WHERE tenant_id = ? AND slot_key = ?", tenant, key).get(0);
    }

    @Test
    @DisplayName("one statement: the first press on a slot wins, each tenant's own slot only, locks and counters as for one press")
    void groupCommit() {
        long a = slot(-4001, "s0");
        long b = slot(-4001, "s1");
        long planned = slot(-4001, "s2");
        long other = slot(-4002, "s0");
        List<QueueRepository.Press> presses = List.of(
                new QueueRepository.Press(-4001, a, "posted", 91L),
                new QueueRepository.Press(-4001, b, "skipped", 92L),
                new QueueRepository.Press(-4001, a, "posted", 92L),         // the same slot again: late
                new QueueRepository.Press(-4001, planned, "posted", 91L),   // not notified: late
                new QueueRepository.Press(-4002, a, "posted", 91L),         // another tenant's id: nothing
                new QueueRepository.Press(-4002, other, "rejected", 92L));
        Map<Integer, QueueRepository.Finished> won = new QueueRepository(pool).finishPresses(presses, NOW, 30, 3).await();

        assertThat(won.keySet()).containsExactlyInAnyOrder(0, 1, 5);
        assertThat(won.get(0).outcome()).isEqualTo("posted");
        assertThat(won.get(0).item()).isPresent();
        assertThat(db.column("SELECT outcome || ' ' || acted_by FROM posting_history WHERE queue_item_id = ?", a)).containsExactly("posted 91");
        assertThat(db.column("SELECT reason || ' ' || (locked_until - ?::timestamptz) FROM media_locks WHERE tenant_id = -4001 ORDER BY reason",
                OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC))).containsExactly("posted 30 days", "skipped 3 days");
        assertThat(db.column("SELECT locked_until = 'infinity' FROM media_locks WHERE tenant_id = -4002")).containsExactly(true);
        assertThat(db.column("SELECT id || ':' || total_posts FROM users ORDER BY id")).containsExactly("91:1", "92:0");
        assertThat(db.count("SELECT count(*) FROM posting_queue WHERE id IN (?, ?)", planned, slot(-4002, "s1"))).isEqualTo(2);
        assertThat(db.count("SELECT sum(times_posted) FROM media_items WHERE tenant_id = -4001")).isEqualTo(1);
    }
}
