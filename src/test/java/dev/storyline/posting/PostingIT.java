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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The posting pipeline end to end (issue 5): planning, dispatch on time, the buttons, expiry,
 * retries, pause and isolation, with the real application, a real database, the fake Bot API and
 * a business clock the test moves.
 */
class PostingIT {
    private static final Instant MONDAY = Instant.parse("2026-11-23T00:00:00Z");
    @TempDir
    static Path dataDir;
    private static BotHarness bot;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"), MONDAY,
                config -> TestConfig.withSweep(config, Duration.ofMillis(200)));
    }

    /** The bus of the running application (tests restart it). */
    private static EventBusClient bus() {
        return new EventBusClient(bot.app().vertx(), Duration.ofSeconds(30));
    }

    @org.junit.jupiter.api.AfterEach
    void running() {
        bot.ensureRunning();
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    /** An approved team with {@code images} distinct images in its folder, indexed, its scheduler deployed. */
    private static JsonObject team(long id, String title, int images) {
        return team(id, title, images, "");
    }

    /** A team whose images are in {@code folder} (a category, D27; "" for the library's top). */
    private static JsonObject team(long id, String title, int images, String folder) {
        for (int i = 0; i < images; i++) {
            TestImages.write(dataDir.resolve("media/" + id + "/" + folder + "img-" + i + ".jpg"), "jpg", 1080, 1920,
                    new Color(id % 200 == 0 ? 1 : (int) (-id % 200), i * 20, 90));
        }
        bot.db.insertTenant(id, title, "approved", false);
        bot.fake.setAdmins(id, ADMIN_OF_GROUP.id());
        if (images > 0) {
            bus().indexMedia(new MediaIndexRequest(id, null, Trigger.CLI, null)).await();
        }
        bus().tenantChanged(new TenantChanged(id, "test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ?", id) > 0);
        return FakeTelegram.group(id, title);
    }

    private static Instant nextSlot(long tenantId) {
        return ((java.sql.Timestamp) bot.db.column("SELECT min(due_at) FROM posting_queue WHERE tenant_id = ? AND state = 'planned'",
                tenantId).get(0)).toInstant();
    }

    private static long queueIdOf(long tenantId, long messageId) {
        return (Long) bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = ? AND telegram_message_id = ?", tenantId, messageId).get(0);
    }

    /** Moves the clock to the team's next slot and waits for its notification; returns the message. */
    private static JsonObject fireNext(long tenantId) {
        int before = photos(tenantId).size();
        bot.clock.set(nextSlot(tenantId));
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(tenantId).size() > before);
        List<JsonObject> photos = photos(tenantId);
        return photos.get(photos.size() - 1);
    }

    private static List<JsonObject> photos(long chatId) {
        return bot.fake.messagesIn(chatId).stream().filter(m -> m.containsKey("photo")).toList();
    }

    private static JsonObject awaitAnswer(String callbackId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.answer(callbackId) != null);
        return bot.fake.answer(callbackId);
    }

    @Test
    @DisplayName("a story with a 2,000-character caption and 30 tags arrives with its Status line; Posted edits it within the limit")
    void longMetadata() {
        String caption = ("Tom & Jerry <3 \"sale\" 🎉🔥 ").repeat(80).substring(0, 2000);
        JsonObject sidecar = new JsonObject().put("title", "Winter & more").put("caption", caption)
                .put("tags", new io.vertx.core.json.JsonArray(java.util.stream.IntStream.range(0, 30).mapToObj(i -> "tag" + i).toList()));
        TestImages.text(dataDir.resolve("media/-6090/img-0.json"), sidecar.encode());
        team(-6090, "Long words", 1);

        JsonObject photo = fireNext(-6090);

        assertThat(photo.getString("caption")).startsWith("Winter & more\n").contains("Tom & Jerry <3").contains("#tag29")
                .contains("…\n🕑").contains("Status: ⏳ PENDING\n#");
        assertThat(photo.getString("caption").length()).isLessThanOrEqualTo(1024);
        String press = bot.fake.userPresses(-6090, MEMBER, photo.getLong("message_id"), "1:p:" + queueIdOf(-6090, photo.getLong("message_id")));
        awaitAnswer(press);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-6090, photo.getLong("message_id")).getString("caption")
                .contains("Status: ✅ POSTED by @max"));
    }

    @Test
    @DisplayName("10 images, 3 a day: exactly 21 slots for 7 days inside the window; a second top-off creates nothing")
    void planning() {
        Instant midnight = bot.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(1));
        bot.clock.set(midnight);
        String sunday = java.time.format.DateTimeFormatter.ofPattern("EEE d MMM", java.util.Locale.ENGLISH)
                .format(midnight.plus(Duration.ofDays(6)).atZone(ZoneOffset.UTC));
        JsonObject group = team(-6001, "Plan team", 10, "memes/");

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6001") == 21);
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6001 AND media_item_id IS NOT NULL")).isEqualTo(10);
        assertThat(bot.db.count("SELECT count(DISTINCT media_item_id) FROM posting_queue WHERE tenant_id = -6001")).isEqualTo(10);
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6001 AND "
                + "(extract(hour FROM scheduled_for AT TIME ZONE 'UTC') < 9 OR extract(hour FROM scheduled_for AT TIME ZONE 'UTC') >= 21)"))
                .as("all inside 09–21 UTC").isZero();
        assertThat(bot.db.count("SELECT count(DISTINCT local_date) FROM posting_queue WHERE tenant_id = -6001")).isEqualTo(7);

        bot.fake.userSends(group, ADMIN_OF_GROUP, "/schedule");
        bot.awaitMessage(-6001, t -> t.startsWith("📅 Planned 0 new slots (21 already planned) until " + sunday + ", 11 without an image"));
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6001")).isEqualTo(21);

        bot.fake.userSends(group, MEMBER, "/schedule 14");
        bot.awaitMessage(-6001, t -> t.contains("Only the chat's administrators"));
        bot.fake.userSends(group, MEMBER, "/queue");
        JsonObject queue = bot.awaitMessage(-6001, t -> t.startsWith("📅 Next stories"));
        assertThat(queue.getString("text").lines().filter(l -> l.startsWith("• "))).hasSize(10);
        assertThat(queue.getString("text").lines().filter(l -> l.startsWith("• ") && !l.contains("no image yet")))
                .as("each slot with an image names its category").isNotEmpty().allMatch(l -> l.contains(" · memes ("));
        assertThat(queue.getString("text")).contains("(Telegram)")
                .contains(java.time.format.DateTimeFormatter.ofPattern("EEE d MMM, ", java.util.Locale.ENGLISH).format(midnight.atZone(ZoneOffset.UTC)));
    }

    @Test
    @DisplayName("a slot fires at its time; Posted by two members at once: one history row, the other told 'already'")
    void dispatchAndPosted() {
        JsonObject group = team(-6002, "Button team", 4);
        Instant due = nextSlot(-6002);

        bot.clock.set(due);
        await().atMost(Duration.ofSeconds(10)).until(() -> !photos(-6002).isEmpty());
        // on the business clock, which stood still at the slot's time: claimed at its time, not a sweep later
        assertThat(bot.db.column("SELECT claimed_at = scheduled_for FROM posting_queue WHERE tenant_id = -6002 AND state = 'notified'"))
                .as("claimed at the slot's time").containsExactly(true);

        JsonObject story = photos(-6002).get(0);
        assertThat(story.getString("caption")).contains("Status: ⏳ PENDING")
                .contains(java.time.format.DateTimeFormatter.ofPattern("EEE d MMM, HH:mm", java.util.Locale.ENGLISH).format(due.atZone(ZoneOffset.UTC)));
        long messageId = story.getLong("message_id");
        long queueId = queueIdOf(-6002, messageId);
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", queueId)).containsExactly("notified");

        String first = bot.fake.userPresses(-6002, MEMBER, messageId, "1:p:" + queueId);
        String second = bot.fake.userPresses(-6002, ADMIN_OF_GROUP, messageId, "1:p:" + queueId);

        assertThat(List.of(awaitAnswer(first).getString("text"), awaitAnswer(second).getString("text")))
                .containsExactlyInAnyOrder("✅ Thanks! Marked as posted.", "Already posted by @max.");
        assertThat(bot.fake.answersTo(first)).isEqualTo(1);
        assertThat(bot.fake.answersTo(second)).isEqualTo(1);
        assertThat(bot.db.count("SELECT count(*) FROM posting_history WHERE queue_item_id = ?", queueId)).isEqualTo(1);
        assertThat(bot.db.column("SELECT outcome || ' ' || acted_by FROM posting_history WHERE queue_item_id = ?", queueId))
                .containsExactly("posted " + MEMBER.id());
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ?", queueId)).isZero();
        assertThat(bot.db.column("SELECT times_posted FROM media_items m JOIN posting_history h ON h.media_item_id = m.id "
                + "WHERE h.queue_item_id = ?", queueId)).containsExactly(1);
        assertThat(bot.db.column("SELECT reason || ' ' || (locked_until - ?::timestamptz) FROM media_locks WHERE tenant_id = -6002",
                OffsetDateTime.ofInstant(due, ZoneOffset.UTC))).containsExactly("posted 30 days");
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-6002, messageId).getString("caption").contains("POSTED by @max"));
        assertThat(bot.fake.message(-6002, messageId).getString("caption")).contains("(took 0 min)");
        JsonObject markup = bot.fake.message(-6002, messageId).getJsonObject("reply_markup");
        assertThat(markup == null || markup.getJsonArray("inline_keyboard").isEmpty()).as("buttons removed").isTrue();

        bot.fake.userSends(group, MEMBER, "/history");
        assertThat(bot.awaitMessage(-6002, t -> t.startsWith("🗂")).getString("text")).contains("✅ posted: ").contains("by @max");
        bot.fake.userSends(group, MEMBER, "/stats");
        assertThat(bot.awaitMessage(-6002, t -> t.startsWith("📈")).getString("text"))
                .contains("✅ posted: 1 / 1").contains("@max: 1 / 1").contains("Median time to post: 0 min");
        bot.fake.userSends(group, MEMBER, "/status");
        assertThat(bot.awaitMessage(-6002, t -> t.startsWith("📊")).getString("text"))
                .contains("Last post: " + java.time.format.DateTimeFormatter.ofPattern("EEE d MMM", java.util.Locale.ENGLISH)
                        .format(due.atZone(ZoneOffset.UTC))).contains("1 in 24 h").contains("Next slot: ");
    }

    @Test
    @DisplayName("Skip and Reject lock as D13 says (Reject only by an administrator, after confirming); /next then offers another image")
    void skipRejectNext() {
        JsonObject group = team(-6003, "Choosy team", 3);

        JsonObject skipped = fireNext(-6003);
        long skipId = queueIdOf(-6003, skipped.getLong("message_id"));
        String skip = bot.fake.userPresses(-6003, MEMBER, skipped.getLong("message_id"), "1:s:" + skipId);
        assertThat(awaitAnswer(skip).getString("text")).startsWith("⏭️ Skipped");
        // measured from the press on the business clock (created_at is the database's own time)
        assertThat(bot.db.column("SELECT l.reason || ' ' || (l.locked_until - h.completed_at) FROM media_locks l "
                + "JOIN posting_history h ON h.media_item_id = l.media_item_id WHERE l.tenant_id = -6003")).containsExactly("skipped 3 days");

        JsonObject rejected = fireNext(-6003);
        long message = rejected.getLong("message_id");
        long rejectId = queueIdOf(-6003, message);
        String byMember = bot.fake.userPresses(-6003, MEMBER, message, "1:R:" + rejectId);
        assertThat(awaitAnswer(byMember).getString("text")).isEqualTo("Only the chat's administrators can reject an image.");
        String ask = bot.fake.userPresses(-6003, ADMIN_OF_GROUP, message, "1:r:" + rejectId);
        assertThat(awaitAnswer(ask).getString("text")).startsWith("Reject this image for good?");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.message(-6003, message).encode().contains("Confirm reject"));
        String confirm = bot.fake.userPresses(-6003, ADMIN_OF_GROUP, message, "1:R:" + rejectId);
        assertThat(awaitAnswer(confirm).getString("text")).startsWith("🚫 Rejected");
        assertThat(bot.db.column("SELECT reason FROM media_locks WHERE tenant_id = -6003 AND locked_until = 'infinity'"))
                .containsExactly("rejected");
        long rejectedItem = (Long) bot.db.column("SELECT media_item_id FROM posting_history WHERE queue_item_id = ?", rejectId).get(0);

        int before = photos(-6003).size();
        bot.fake.userSends(group, ADMIN_OF_GROUP, "/next");
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-6003).size() > before);
        long nextItem = (Long) bot.db.column("SELECT media_item_id FROM posting_queue WHERE tenant_id = -6003 AND state = 'notified' "
                + "ORDER BY notified_at DESC LIMIT 1").get(0);
        assertThat(nextItem).isNotEqualTo(rejectedItem);
        assertThat(bot.db.column("SELECT media_item_id FROM media_locks WHERE tenant_id = -6003")).doesNotContain(nextItem);

        // D22: /next ignores the posting window, never a pause
        bot.db.execute("UPDATE tenants SET is_paused = true WHERE id = -6003");
        bot.app().vertx().eventBus().publish(dev.storyline.bus.Addresses.TENANT_CHANGED,
                new dev.storyline.bus.TenantChanged(-6003, "test").toJson());
        int paused = photos(-6003).size();
        bot.fake.userSends(group, ADMIN_OF_GROUP, "/next");
        bot.awaitMessageContaining(-6003, "Posting is paused here");
        bot.awaitHandled();
        assertThat(photos(-6003)).hasSize(paused);
    }

    @Test
    @DisplayName("an unanswered notification expires after NOTIFICATION_EXPIRY_HOURS and says so; a late press is told")
    void expiry() {
        team(-6004, "Busy team", 2);
        JsonObject story = fireNext(-6004);
        long messageId = story.getLong("message_id");
        long queueId = queueIdOf(-6004, messageId);

        bot.clock.advance(Duration.ofHours(24).plusMinutes(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE queue_item_id = ? AND outcome = 'expired'", queueId) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-6004, messageId).getString("caption").contains("EXPIRED"));
        String late = bot.fake.userPresses(-6004, MEMBER, messageId, "1:p:" + queueId);
        assertThat(awaitAnswer(late).getString("text")).isEqualTo("This story expired: nobody answered in time.");
        assertThat(bot.db.count("SELECT count(*) FROM media_locks WHERE tenant_id = -6004")).isZero();
    }

    @Test
    @DisplayName("a 5xx on sendPhoto retries after 5 minutes; a 400 fails at once; three failures in a row alert the admin once")
    void retries() {
        team(-6005, "Flaky team", 5);
        bot.fake.failNextIn(-6005, "sendPhoto", 1, 500, "Internal Server Error");
        Instant due = nextSlot(-6005);
        bot.clock.set(due);

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_queue WHERE tenant_id = -6005 AND attempts = 1 AND state = 'planned' AND last_error IS NOT NULL") == 1);
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6005 AND attempts = 1 AND next_attempt_at = ?",
                OffsetDateTime.ofInstant(due.plus(Duration.ofMinutes(5)), ZoneOffset.UTC))).isEqualTo(1);
        assertThat(photos(-6005)).isEmpty();

        bot.clock.advance(Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-6005).size() == 1);

        for (int i = 0; i < 3; i++) {
            bot.fake.failNextIn(-6005, "sendPhoto", 1, 400, "Bad Request: IMAGE_PROCESS_FAILED");
            int failedBefore = (int) bot.db.count("SELECT count(*) FROM posting_history WHERE tenant_id = -6005 AND outcome = 'failed'");
            bot.clock.set(nextSlot(-6005));
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                    "SELECT count(*) FROM posting_history WHERE tenant_id = -6005 AND outcome = 'failed'") == failedBefore + 1);
        }
        assertThat(bot.db.column("SELECT error FROM posting_history WHERE tenant_id = -6005 AND outcome = 'failed' LIMIT 1").get(0))
                .asString().contains("IMAGE_PROCESS_FAILED");
        assertThat(bot.db.column("SELECT attempts FROM posting_history WHERE tenant_id = -6005 AND outcome = 'failed'")).containsOnly(1);
        // the admin chat takes a message a second, and the other teams' alerts may be ahead of this one
        await().atMost(Duration.ofSeconds(30)).until(() -> bot.fake.textsIn(dev.storyline.testing.TestConfig.ADMIN_CHAT).stream()
                .anyMatch(t -> t.contains("Flaky team") && t.contains("last 3 stories failed")));
        // a fourth failure within the hour (a story sent now) does not repeat the alert
        bot.fake.failNextIn(-6005, "sendPhoto", 1, 400, "Bad Request: IMAGE_PROCESS_FAILED");
        bot.fake.userSends(FakeTelegram.group(-6005, "Flaky team"), ADMIN_OF_GROUP, "/next");
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE tenant_id = -6005 AND outcome = 'failed'") == 4);
        bot.awaitHandled();
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.db.count(
                "SELECT count(*) FROM alerts WHERE alert_key = 'story-failures:-6005' AND suppressed > 0") == 1);
        assertThat(bot.fake.textsIn(dev.storyline.testing.TestConfig.ADMIN_CHAT).stream()
                .filter(t -> t.contains("Flaky team") && t.contains("last 3 stories failed"))).as("once an hour").hasSize(1);
        assertThat(bot.fake.textsIn(-6005)).anyMatch(t -> t.contains("could not be sent"));
    }

    @Test
    @DisplayName("updates of several chats in one getUpdates batch: presses of two teams (one by a first-time member) and, in a new "
            + "group, the bot's arrival and then /status, which sees the team that arrival registered")
    void oneBatch() {
        JsonObject storyA = fireNext(team(-6013, "Batch A", 2).getLong("id"));
        JsonObject storyB = fireNext(team(-6014, "Batch B", 2).getLong("id"));
        long queueA = queueIdOf(-6013, storyA.getLong("message_id"));
        long queueB = queueIdOf(-6014, storyB.getLong("message_id"));
        FakeTelegram.Person newcomer = new FakeTelegram.Person(503, "Nia", "nia");
        JsonObject newGroup = FakeTelegram.group(-6015, "Batch C");
        bot.fake.setAdmins(-6015, ADMIN_OF_GROUP.id());

        bot.fake.holdUpdates();
        String pressA = bot.fake.userPresses(-6013, MEMBER, storyA.getLong("message_id"), "1:p:" + queueA);
        bot.fake.botStatusChanged(newGroup, ADMIN_OF_GROUP, "left", "member");
        bot.fake.userSends(newGroup, ADMIN_OF_GROUP, "/status");
        String pressB = bot.fake.userPresses(-6014, newcomer, storyB.getLong("message_id"), "1:p:" + queueB);
        bot.fake.releaseUpdates();

        assertThat(awaitAnswer(pressA).getString("text")).isEqualTo("✅ Thanks! Marked as posted.");
        assertThat(awaitAnswer(pressB).getString("text")).isEqualTo("✅ Thanks! Marked as posted.");
        assertThat(bot.db.column("SELECT acted_by FROM posting_history WHERE queue_item_id IN (?, ?) ORDER BY queue_item_id", queueA, queueB))
                .containsExactly(MEMBER.id(), newcomer.id());
        assertThat(bot.db.column("SELECT username FROM users WHERE id = ?", newcomer.id())).containsExactly("nia");
        assertThat(bot.db.count("SELECT count(*) FROM tenant_members WHERE tenant_id = -6014 AND user_id = ?", newcomer.id())).isEqualTo(1);
        assertThat(bot.awaitMessage(-6015, t -> t.startsWith("📊")).getString("text")).contains("Batch C").contains("State: ✅ active");
        assertThat(bot.fake.messagesIn(-6015)).noneMatch(m -> m.getString("text", "").contains("not registered"));
    }

    @Test
    @DisplayName("a press reads its team's settings again once a change is announced: the caption after a new time zone shows it")
    void announcedChangeReachesPresses() {
        team(-6016, "Zone team", 3);
        JsonObject first = fireNext(-6016);
        JsonObject second = fireNext(-6016);
        String press = bot.fake.userPresses(-6016, MEMBER, first.getLong("message_id"), "1:p:" + queueIdOf(-6016, first.getLong("message_id")));
        assertThat(awaitAnswer(press).getString("text")).isEqualTo("✅ Thanks! Marked as posted.");
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-6016, first.getLong("message_id")).getString("caption")
                .matches("(?s).*POSTED by @max at \\d\\d:\\d\\d UTC.*"));

        bot.db.execute("UPDATE tenants SET timezone = 'Asia/Tokyo' WHERE id = -6016");
        bus().tenantChanged(new TenantChanged(-6016, "settings")); // as the chat's and the admin API's settings changes do
        press = bot.fake.userPresses(-6016, MEMBER, second.getLong("message_id"), "1:p:" + queueIdOf(-6016, second.getLong("message_id")));

        assertThat(awaitAnswer(press).getString("text")).isEqualTo("✅ Thanks! Marked as posted.");
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-6016, second.getLong("message_id")).getString("caption")
                .matches("(?s).*POSTED by @max at \\d\\d:\\d\\d JST.*"));
    }

    @Test
    @DisplayName("a paused team gets nothing new, and its open notification still works")
    void paused() {
        JsonObject group = team(-6006, "Resting team", 3);
        JsonObject story = fireNext(-6006);
        long messageId = story.getLong("message_id");
        long queueId = queueIdOf(-6006, messageId);

        bot.fake.userSends(group, ADMIN_OF_GROUP, "/pause");
        bot.awaitMessage(-6006, t -> t.toLowerCase().contains("paused"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bus().orchestratorState().await().schedulers().stream()
                .noneMatch(s -> s.tenantId() == -6006));
        int photosBefore = photos(-6006).size();
        bot.clock.set(nextSlot(-6006).plusSeconds(1));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> photos(-6006).size() == photosBefore);

        String press = bot.fake.userPresses(-6006, MEMBER, messageId, "1:p:" + queueId);
        assertThat(awaitAnswer(press).getString("text")).isEqualTo("✅ Thanks! Marked as posted.");
        assertThat(bot.db.column("SELECT outcome FROM posting_history WHERE queue_item_id = ?", queueId)).containsExactly("posted");
    }

    @Test
    @DisplayName("changed settings move the planned slots that were not sent")
    void settingsChange() {
        team(-6009, "Changing team", 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(DISTINCT local_date) FROM posting_queue WHERE tenant_id = -6009") >= 7);
        long perDayBefore = bot.db.count("SELECT max(c) FROM (SELECT count(*) AS c FROM posting_queue WHERE tenant_id = -6009 "
                + "GROUP BY local_date) d");
        assertThat(perDayBefore).isEqualTo(3);

        bot.db.execute("UPDATE tenants SET posts_per_day = 1, posting_hours_start = 18, posting_hours_end = 20, "
                + "settings_version = settings_version + 1 WHERE id = -6009");
        bus().tenantChanged(new TenantChanged(-6009, "settings"));

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT max(c) FROM (SELECT count(*) AS c FROM posting_queue "
                + "WHERE tenant_id = -6009 AND state = 'planned' GROUP BY local_date) d") == 1);
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6009 AND state = 'planned' AND "
                + "(extract(hour FROM scheduled_for AT TIME ZONE 'UTC') < 18 OR extract(hour FROM scheduled_for AT TIME ZONE 'UTC') >= 20)"))
                .as("all inside the new window").isZero();
    }

    @Test
    @DisplayName("after downtime a slot missed by less than CATCH_UP_MINUTES is still sent; one missed by more expires")
    void catchUp() {
        team(-6010, "Sleepy team", 3);
        Instant first = nextSlot(-6010);
        long firstId = (Long) bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = -6010 AND due_at = ?",
                OffsetDateTime.ofInstant(first, ZoneOffset.UTC)).get(0);

        bot.stop();
        bot.clock.set(first.plus(Duration.ofMinutes(90)));
        bot.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_history WHERE queue_item_id = ? AND outcome = 'expired'", firstId) == 1);
        assertThat(bot.db.column("SELECT error FROM posting_history WHERE queue_item_id = ?", firstId).get(0))
                .asString().contains("not running");
        assertThat(photos(-6010)).isEmpty();

        Instant second = nextSlot(-6010);
        bot.stop();
        bot.clock.set(second.plus(Duration.ofMinutes(20)));
        bot.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-6010).size() == 1);
    }

    @Test
    @DisplayName("a dry run on the Telegram route: the story arrives captioned 🧪 DRY RUN; Posted records dry_run, with no lock and no count")
    void telegramDryRun() {
        TestImages.write(dataDir.resolve("media/-6031/dry.jpg"), "jpg", 1080, 1920, new Color(13, 60, 90));
        bot.db.insertTenant(-6031, "Rehearsal team", "approved", false);
        bot.db.execute("UPDATE tenants SET dry_run = true WHERE id = -6031");
        bus().indexMedia(new MediaIndexRequest(-6031, null, Trigger.CLI, null)).await();
        bus().tenantChanged(new TenantChanged(-6031, "test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -6031 "
                + "AND dry_run") > 0);
        long postsBefore = bot.db.count("SELECT coalesce(sum(total_posts), 0) FROM users");
        JsonObject story = fireNext(-6031);
        assertThat(story.getString("caption")).startsWith("🧪 DRY RUN");
        long queueId = queueIdOf(-6031, story.getLong("message_id"));
        String press = bot.fake.userPresses(-6031, MEMBER, story.getLong("message_id"), "1:p:" + queueId);
        awaitAnswer(press);
        assertThat(bot.db.column("SELECT outcome || ' ' || dry_run FROM posting_history WHERE queue_item_id = ?", queueId))
                .containsExactly("posted true");
        assertThat(bot.db.count("SELECT count(*) FROM media_locks WHERE tenant_id = -6031")).as("no lock").isZero();
        assertThat(bot.db.count("SELECT sum(times_posted) FROM media_items WHERE tenant_id = -6031")).as("no count").isZero();
        assertThat(bot.db.count("SELECT coalesce(sum(total_posts), 0) FROM users")).as("nobody's post").isEqualTo(postsBefore);
        rest(-6031);
    }

    /** A team done with its test pauses, so the clock moves of later tests do not fill the admin chat with its empty slots. */
    private static void rest(long tenantId) {
        bot.db.execute("UPDATE tenants SET is_paused = true WHERE id = ?", tenantId);
        bus().tenantChanged(new TenantChanged(tenantId, "test done"));
    }

    @Test
    @DisplayName("after downtime, overdue slots go oldest first and one a minute (business clock), not in a burst")
    void catchUpSpacing() {
        team(-6032, "Behind team", 4);
        List<Object> slots = bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = -6032 AND media_item_id IS NOT NULL "
                + "ORDER BY due_at LIMIT 2");
        bot.stop();
        Instant back = bot.clock.instant().plus(Duration.ofHours(1));
        OffsetDateTime older = OffsetDateTime.ofInstant(back.minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
        OffsetDateTime newer = OffsetDateTime.ofInstant(back.minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        bot.db.execute("UPDATE posting_queue SET due_at = ?, scheduled_for = ? WHERE id = ?", newer, newer, slots.get(1));
        bot.db.execute("UPDATE posting_queue SET due_at = ?, scheduled_for = ? WHERE id = ?", older, older, slots.get(0));
        bot.clock.set(back);
        bot.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-6032).size() == 1);
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slots.get(0))).as("the oldest first").containsExactly("notified");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> photos(-6032).size() == 1);
        bot.clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-6032).size() == 2);
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", slots.get(1))).containsExactly("notified");
        rest(-6032);
    }

    @Test
    @DisplayName("two teams never see each other's items, slots or history; a button cannot act on another team's slot")
    void isolation() {
        team(-6007, "Team A", 2);
        JsonObject groupB = team(-6008, "Team B", 2);
        JsonObject storyA = fireNext(-6007);
        long queueA = queueIdOf(-6007, storyA.getLong("message_id"));

        // a press in B's chat, on a message of B's, that names A's slot
        bot.fake.userSends(groupB, MEMBER, "/help");
        long messageOfB = bot.awaitMessage(-6008, t -> !t.isEmpty()).getLong("message_id");
        String forged = bot.fake.userPresses(-6008, MEMBER, messageOfB, "1:p:" + queueA);
        assertThat(awaitAnswer(forged).getString("text")).isEqualTo("This story is no longer waiting.");
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", queueA)).containsExactly("notified");

        assertThat(bot.db.count("SELECT count(*) FROM posting_queue q JOIN media_items m ON m.id = q.media_item_id "
                + "WHERE q.tenant_id <> m.tenant_id")).isZero();
        assertThat(bot.db.count("SELECT count(*) FROM posting_history h JOIN media_items m ON m.id = h.media_item_id "
                + "WHERE h.tenant_id <> m.tenant_id")).isZero();
        bot.fake.userSends(groupB, MEMBER, "/queue");
        assertThat(bot.awaitMessage(-6008, t -> t.startsWith("📅 Next stories")).getString("text")).doesNotContain("Team A");
    }
}
