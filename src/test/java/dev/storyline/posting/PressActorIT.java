package dev.storyline.posting;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.StoryPress;
import dev.storyline.bus.TelegramCall;
import dev.storyline.config.AppConfig;
import dev.storyline.testing.MutableClock;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The presses actor alone on a bus: only a stand-in for {@code telegram.send} answers beside it, as
 * any actor could from another JVM. A press ends the slot, the caption is edited once, a second press
 * learns who was first.
 */
@ExtendWith(VertxExtension.class)
class PressActorIT {
    private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static AppConfig config;

    @BeforeAll
    static void database() {
        db = TestDatabase.create();
        config = TestConfig.parse(TestConfig.keys(db, dataDir));
        db.insertTenant(-4501, "Press team", "approved", false);
        db.execute("INSERT INTO users (id, first_name, username) VALUES (4591, 'Ada', 'ada'), (4592, 'Max', 'max')");
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, title) "
                + "VALUES (-4501, '/x/sunset.jpg', 'folder', 'h4501', 1, 'image/jpeg', 'Sunset')");
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, state, notified_at, "
                + "telegram_message_id) SELECT -4501, 's0', ?, ?, id, 'notified', ?, 77 FROM media_items WHERE tenant_id = -4501",
                at(NOW), at(NOW), at(NOW));
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    @Test
    @DisplayName("Posted ends the slot and edits the caption once; a second person's press is told who was first")
    void postedThenLate(Vertx vertx, VertxTestContext test) {
        long slot = (Long) db.column("SELECT id FROM posting_queue WHERE tenant_id = -4501").get(0);
        Checkpoint edited = test.laxCheckpoint(); // a late press repeats the edit (a lost one would come back)
        Checkpoint answered = test.checkpoint(2);
        vertx.eventBus().<JsonObject>consumer(Addresses.TELEGRAM_SEND, message -> {
            TelegramCall call = TelegramCall.fromJson(message.body());
            test.verify(() -> {
                assertThat(call.method()).isEqualTo("editMessageCaption");
                assertThat(call.params().getLong("message_id")).isEqualTo(77L);
                assertThat(call.params().getString("caption")).contains("POSTED by @ada");
            });
            message.reply(new TelegramCall.Result(new JsonObject().put("message_id", 77)).toJson());
            edited.flag();
        });
        EventBusClient bus = new EventBusClient(vertx);
        vertx.deployVerticle(new PressVerticle(db.pool(vertx), config.scheduling(), new MutableClock(NOW.plusSeconds(120)),
                        new PostingMetrics(new SimpleMeterRegistry())))
                .compose(id -> bus.storyPress(new StoryPress(-4501, slot, "POSTED", 77, 4591L, "@ada", false)))
                .compose(first -> {
                    test.verify(() -> assertThat(first.text()).contains("Marked as posted"));
                    answered.flag();
                    return bus.storyPress(new StoryPress(-4501, slot, "POSTED", 77, 4592L, "@max", false));
                })
                .compose(second -> {
                    test.verify(() -> {
                        assertThat(second.text()).isEqualTo("Already posted by @ada.");
                        assertThat(db.column("SELECT outcome || ' ' || acted_by FROM posting_history WHERE queue_item_id = ?", slot))
                                .containsExactly("posted 4591");
                    });
                    answered.flag();
                    return Future.succeededFuture();
                })
                .onFailure(test::failNow);
    }
}
