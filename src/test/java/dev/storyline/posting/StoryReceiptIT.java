package dev.storyline.posting;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.StoryReceipt;
import dev.storyline.bus.TelegramCall;
import dev.storyline.plan.QueueRepository;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D32: a story is recorded by the node that sent it to Telegram, so a node that dies between handing a
 * story over and hearing the answer does not get it sent again; and a tenant taken over gets back only
 * the claims of the older lease that can no longer be on their way.
 */
class StoryReceiptIT {
    private static final long TEAM = -7_700_001L;
    @TempDir
    static Path dataDir;
    private static BotHarness bot;
    private static long image;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject());
        TestImages.write(dataDir.resolve("media/" + TEAM + "/r.jpg"), "jpg", 1080, 1920, new Color(10, 120, 90));
        bot.db.insertTenant(TEAM, "Receipt team", "approved", true); // paused: its scheduler claims nothing itself
        new EventBusClient(bot.app().vertx(), Duration.ofSeconds(30)).indexMedia(new MediaIndexRequest(TEAM, null, Trigger.CLI, null)).await();
        image = (Long) bot.db.column("SELECT id FROM media_items WHERE tenant_id = ?", TEAM).get(0);
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    /** A slot claimed under lease epoch 1 with {@code token}, {@code age} ago. */
    private static long claimed(String key, long token, Duration age) {
        OffsetDateTime at = OffsetDateTime.ofInstant(Instant.now().minus(age), ZoneOffset.UTC);
        bot.db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, is_manual, state, claimed_at, "
                + "claim_token, claim_epoch, attempts) VALUES (?, ?, ?, ?, ?, true, 'claimed', ?, ?, 1, 1)", TEAM, key, at, at, image, at, token);
        return (Long) bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = ? AND slot_key = ?", TEAM, key).get(0);
    }

    @Test
    @DisplayName("a story sent for a node that died before the answer is recorded by the node that sent it; the asker's late record changes nothing")
    void recordedBySender() {
        long slot = claimed("receipt-1", 7, Duration.ZERO);
        TelegramCall call = TelegramCall.upload("sendPhoto", new JsonObject().put("chat_id", TEAM).put("caption", "story"), "photo", TEAM, image)
                .atMostOnce().withReceipt(new StoryReceipt(TEAM, slot, image, 7).toJson());
        // the asker is gone: nobody waits for the answer
        bot.app().vertx().eventBus().send(Addresses.TELEGRAM_SEND, call.toJson());

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ? AND state = 'notified'",
                slot) == 1);
        List<JsonObject> photos = bot.fake.messagesIn(TEAM).stream().filter(m -> m.containsKey("photo")).toList();
        assertThat(photos).hasSize(1);
        long messageId = photos.get(0).getLong("message_id");
        assertThat(bot.db.column("SELECT telegram_message_id FROM posting_queue WHERE id = ?", slot)).containsExactly(messageId);
        Timestamp notifiedAt = (Timestamp) bot.db.column("SELECT notified_at FROM posting_queue WHERE id = ?", slot).get(0);

        QueueRepository queue = new QueueRepository(bot.db.pool(bot.app().vertx()));
        assertThat(queue.notified(TEAM, slot, Instant.now().plusSeconds(60), messageId, image, 7).await())
                .as("the asker's own record of the same message holds").isTrue();
        assertThat(bot.db.column("SELECT notified_at FROM posting_queue WHERE id = ?", slot)).containsExactly(notifiedAt);
        assertThat(queue.notified(TEAM, slot, Instant.now(), messageId + 1, image, 8).await()).as("another claim's record does not").isFalse();
        assertThat(bot.db.column("SELECT telegram_message_id FROM posting_queue WHERE id = ?", slot)).containsExactly(messageId);
    }

    @Test
    @DisplayName("a tenant taken over gets back the older lease's stale claims at once, not the ones that may still be on their way")
    void takeOverKeepsClaimsInFlight() {
        long fresh = claimed("receipt-fresh", 11, Duration.ofMinutes(1));
        long stale = claimed("receipt-stale", 12, Duration.ofMinutes(20));
        QueueRepository queue = new QueueRepository(bot.db.pool(bot.app().vertx()));

        int back = queue.reclaimOtherEpochs(TEAM, 2, Instant.now().minus(DispatchVerticle.STALE_CLAIM)).await();

        assertThat(back).isEqualTo(1);
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", fresh)).containsExactly("claimed");
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", stale)).containsExactly("planned");
    }
}
