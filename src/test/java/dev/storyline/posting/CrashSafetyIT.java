package dev.storyline.posting;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.TenantChanged;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Product.md §5: stop the process in the three windows of a slot's journey, start it again, and
 * show that no slot and no press is lost, and that a notification is repeated only when the crash
 * came between sending it and recording it.
 */
class CrashSafetyIT {
    @TempDir
    static Path dataDir;
    private static BotHarness bot;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"), Instant.parse("2026-11-23T00:00:00Z"),
                config -> TestConfig.withSweep(config, Duration.ofMillis(200)));
    }

    @org.junit.jupiter.api.AfterEach
    void running() {
        bot.ensureRunning();
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    private static EventBusClient bus() {
        return new EventBusClient(bot.app().vertx(), Duration.ofSeconds(30));
    }

    private static void team(long id, int images) {
        for (int i = 0; i < images; i++) {
            TestImages.write(dataDir.resolve("media/" + id + "/c" + i + ".jpg"), "jpg", 1080, 1920, new Color(200, 30 * i, (int) -id % 250));
        }
        bot.db.insertTenant(id, "Crash team " + id, "approved", false);
        bus().indexMedia(new MediaIndexRequest(id, null, Trigger.CLI, null)).await();
        bus().tenantChanged(new TenantChanged(id, "test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ?", id) > 0);
    }

    private static long firstSlot(long tenantId) {
        return (Long) bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = ? AND state = 'planned' ORDER BY due_at LIMIT 1",
                tenantId).get(0);
    }

    private static Instant dueOf(long queueId) {
        return ((Timestamp) bot.db.column("SELECT due_at FROM posting_queue WHERE id = ?", queueId).get(0)).toInstant();
    }

    private static List<JsonObject> photos(long chatId) {
        return bot.fake.messagesIn(chatId).stream().filter(m -> m.containsKey("photo")).toList();
    }

    @Test
    @DisplayName("crash between claim and send: the claim is taken back and the slot is sent once")
    void betweenClaimAndSend() {
        team(-8001, 2);
        long slot = firstSlot(-8001);
        Instant due = dueOf(slot);

        bot.stop();
        bot.clock.set(due);
        // what a process that died right after its claim leaves behind
        bot.db.execute("UPDATE posting_queue SET state = 'claimed', claimed_at = ?, attempts = 1 WHERE id = ?",
                Timestamp.from(due), slot);
        bot.start();
        bot.clock.advance(DispatchVerticle.STALE_CLAIM.plusMinutes(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-8001).size() == 1);
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slot)).containsExactly("notified");
        assertThat(photos(-8001)).hasSize(1);
    }

    @Test
    @DisplayName("crash between send and record: the story is sent again (the one repeat §5 allows), then handled once")
    void betweenSendAndRecord() {
        team(-8002, 2);
        long slot = firstSlot(-8002);
        bot.fake.holdReply(-8002, "sendPhoto", 60_000);

        bot.clock.set(dueOf(slot));
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-8002).size() == 1);
        bot.stop(); // Telegram has the message, Storyline never heard back
        // claimed (a hard crash) or planned for a retry (a stop that saw the call fail): either way it is sent again
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slot)).containsAnyOf("claimed", "planned");

        bot.start();
        bot.clock.advance(DispatchVerticle.STALE_CLAIM.plusMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-8002).size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> "notified".equals(
                bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slot).get(0)));

        JsonObject second = photos(-8002).get(1);
        String press = bot.fake.userPresses(-8002, MEMBER, second.getLong("message_id"), "1:p:" + slot);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.answer(press) != null);
        assertThat(bot.db.count("SELECT count(*) FROM posting_history WHERE queue_item_id = ?", slot)).isEqualTo(1);
    }

    @Test
    @DisplayName("crash between press and edit: the press is not lost; at the restart the caption is edited to say who posted")
    void betweenPressAndEdit() {
        team(-8003, 2);
        long slot = firstSlot(-8003);
        bot.clock.set(dueOf(slot));
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-8003).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "notified".equals(
                bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slot).get(0)));
        long messageId = photos(-8003).get(0).getLong("message_id");
        bot.fake.holdBefore(-8003, "editMessageCaption", 60_000);

        String press = bot.fake.userPresses(-8003, MEMBER, messageId, "1:p:" + slot);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE queue_item_id = ? AND outcome = 'posted'", slot) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.answersTo(press) == 1 && bot.fake.calls("editMessageCaption").stream()
                .anyMatch(c -> Long.valueOf(-8003).equals(c.chatId())));
        bot.stop(); // the outcome is stored and the press answered; the edit reached Telegram but was never applied
        assertThat(bot.fake.message(-8003, messageId).getString("caption")).contains("PENDING");
        assertThat(bot.fake.answer(press).getString("text")).isEqualTo("✅ Thanks! Marked as posted.");

        bot.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> bot.fake.message(-8003, messageId).getString("caption").contains("POSTED by @max"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE queue_item_id = ? AND caption_edited_at IS NOT NULL", slot) == 1);
        assertThat(bot.fake.answersTo(press)).isEqualTo(1);
        assertThat(bot.db.count("SELECT count(*) FROM posting_history WHERE queue_item_id = ?", slot)).isEqualTo(1);
        assertThat(bot.db.column("SELECT times_posted FROM media_items m JOIN posting_history h ON h.media_item_id = m.id "
                + "WHERE h.queue_item_id = ?", slot)).containsExactly(1);
    }

    @Test
    @DisplayName("a Telegram that holds sendPhoto for 11 minutes of business clock: the claim is not taken back, exactly one photo")
    void slowTelegram() {
        team(-8004, 2);
        List<Object> slots = bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = -8004 AND state = 'planned' "
                + "ORDER BY due_at LIMIT 2");
        long slot = (Long) slots.get(0);
        bot.fake.park(-8004, "sendPhoto");
        bot.clock.set(dueOf(slot));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.parkedCalls(-8004, "sendPhoto") == 1);

        Instant later = bot.clock.instant().plus(Duration.ofMinutes(11));
        // a barrier: a notification the sweep expires only once it sees the clock at 'later', so the sweep that
        // could reclaim the slot has run by the time it is gone
        Instant notifiedAt = later.minus(Duration.ofHours(bot.config().scheduling().notificationExpiryHours())).minusSeconds(1);
        bot.db.execute("UPDATE posting_queue SET state = 'notified', route = 'telegram', notified_at = ? WHERE id = ?",
                Timestamp.from(notifiedAt), slots.get(1));
        bot.clock.set(later);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE queue_item_id = ? AND outcome = 'expired'", slots.get(1)) == 1);
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slot)).containsExactly("claimed");

        bot.fake.release(-8004, "sendPhoto");
        await().atMost(Duration.ofSeconds(10)).until(() -> "notified".equals(
                bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slot).get(0)));
        assertThat(photos(-8004)).hasSize(1);
        assertThat(bot.fake.calls("sendPhoto").stream().filter(c -> Long.valueOf(-8004).equals(c.chatId()))).hasSize(1);
    }

    @Test
    @DisplayName("a slot interrupted more than MAX_ATTEMPTS times is given up: failed with the reason, its image rests a day, "
            + "team and admin told once")
    void interruptedTooOften() {
        team(-8006, 2);
        long slot = firstSlot(-8006);
        Instant due = dueOf(slot);
        int claims = bot.config().scheduling().maxAttempts() + 1; // the first try and every retry

        bot.stop();
        bot.clock.set(due.plus(DispatchVerticle.STALE_CLAIM).plusSeconds(60));
        // what a process that died on this slot every time it tried leaves behind
        bot.db.execute("UPDATE posting_queue SET state = 'claimed', claimed_at = ?, attempts = ? WHERE id = ?",
                Timestamp.from(due), claims, slot);
        bot.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE queue_item_id = ? AND outcome = 'failed'", slot) == 1);
        assertThat(bot.db.column("SELECT error FROM posting_history WHERE queue_item_id = ?", slot))
                .containsExactly("it was interrupted " + claims + " times while being sent (Storyline stopped each time)");
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ?", slot)).as("never claimed again").isZero();
        assertThat(bot.db.column("SELECT reason || ' ' || (locked_until = h.completed_at + interval '1 day') FROM media_locks l "
                + "JOIN posting_history h ON h.media_item_id = l.media_item_id WHERE h.queue_item_id = ?", slot))
                .containsExactly("failed true");
        bot.awaitMessage(-8006, t -> t.contains("could not be sent: it was interrupted " + claims + " times"));
        bot.awaitMessage(TestConfig.ADMIN_CHAT, t -> t.contains("Crash team -8006") && t.contains("a story was given up"));
        assertThat(photos(-8006)).isEmpty();
        assertThat(bot.fake.textsIn(-8006).stream().filter(t -> t.contains("interrupted"))).hasSize(1);
    }
}
