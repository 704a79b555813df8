package dev.storyline.bot;

import dev.storyline.bus.EventBusClient;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static dev.storyline.testing.BotHarness.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A team's whole conversation with the bot, against the fake Bot API, with TENANT_REGISTRATION=approval. */
class TelegramBotIT {
    @TempDir
    static Path dataDir;
    private static BotHarness bot;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "approval"));
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    private static JsonObject approvedGroup(long id, String title) {
        return bot.approvedGroup(id, title);
    }

    /** /settings sent in the group; returns the settings message. */
    private static JsonObject openSettings(JsonObject group) {
        long id = group.getLong("id");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "/settings");
        return bot.awaitMessageContaining(id, "Settings");
    }

    /** Ada presses an ✏️ button and the bot asks its question. */
    private static void askFor(JsonObject group, JsonObject settings, String button, String question) {
        long id = group.getLong("id");
        press(id, ADMIN_OF_GROUP, settings, button);
        bot.awaitMessageContaining(id, question);
    }

    private static String press(long chatId, FakeTelegram.Person who, JsonObject message, String label) {
        return bot.press(chatId, who, message, label);
    }

    private static Object column(String sql, Object... params) {
        List<Object> values = bot.db.column(sql, params);
        return values.isEmpty() ? null : values.get(0);
    }

    private static boolean schedulerRuns(long tenantId) {
        return new EventBusClient(bot.app().vertx()).orchestratorState().await().schedulers().stream()
                .anyMatch(s -> s.tenantId() == tenantId);
    }

    @Test
    @DisplayName("with approval, a group added to the bot waits; the admin chat gets Approve/Decline; Approve activates it and both chats hear so")
    void approvalFlow() {
        JsonObject group = FakeTelegram.group(-2001, "Bakery <Team> & Co");
        bot.fake.botStatusChanged(group, ADMIN_OF_GROUP, "left", "member");

        bot.awaitMessageContaining(-2001, "asked to approve this chat");
        JsonObject request = bot.awaitMessage(TestConfig.ADMIN_CHAT, t -> t.contains("Bakery <Team> & Co") && t.contains("wants Storyline"));
        assertThat(request.getString("text")).contains("-2001", "7 members", "Added by @ada");
        assertThat(column("SELECT state FROM tenants WHERE id = -2001")).isEqualTo("pending");
        assertThat(schedulerRuns(-2001)).isFalse();

        String pressed = press(TestConfig.ADMIN_CHAT, OPERATOR, request, "✅ Approve");

        bot.awaitMessageContaining(-2001, "Storyline is active here now");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.answer(pressed) != null);
        assertThat(column("SELECT state FROM tenants WHERE id = -2001")).isEqualTo("approved");
        assertThat(bot.fake.message(TestConfig.ADMIN_CHAT, request.getLong("message_id")).getString("text"))
                .contains("approved by @olga");
        await().atMost(Duration.ofSeconds(2)).until(() -> schedulerRuns(-2001));
    }

    @Test
    @DisplayName("Decline leaves the group without Storyline and says so in both chats; a second press changes nothing")
    void declineFlow() {
        JsonObject group = FakeTelegram.group(-2002, "Declined group");
        bot.fake.userSends(group, MEMBER, "/start");
        JsonObject request = bot.awaitMessage(TestConfig.ADMIN_CHAT, t -> t.contains("Declined group") && t.contains("wants Storyline"));

        press(TestConfig.ADMIN_CHAT, OPERATOR, request, "❌ Decline");
        bot.awaitMessageContaining(-2002, "declined this chat");
        String second = bot.fake.userPresses(TestConfig.ADMIN_CHAT, OPERATOR, request.getLong("message_id"), "1:a:-2002");

        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.answer(second) != null);
        assertThat(bot.fake.answer(second).getString("text")).isEqualTo("Already declined.");
        assertThat(column("SELECT state FROM tenants WHERE id = -2002")).isEqualTo("declined");
    }

    @Test
    @DisplayName("a private chat never becomes a tenant: /start there explains how to add the bot")
    void privateChat() {
        JsonObject chat = FakeTelegram.privateChat(MEMBER);
        bot.fake.userSends(chat, MEMBER, "/start");

        bot.awaitMessageContaining(MEMBER.id(), "Add me to your team's group");
        assertThat(bot.db.count("SELECT count(*) FROM tenants WHERE id = ?", MEMBER.id())).isZero();
    }

    @Test
    @DisplayName("an Approve pressed outside the admin chat is refused and changes nothing")
    void approveOnlyInAdminChat() {
        JsonObject group = FakeTelegram.group(-2003, "Sneaky");
        bot.fake.userSends(group, MEMBER, "/start");
        bot.awaitMessageContaining(-2003, "asked to approve");
        JsonObject waiting = bot.fake.messagesIn(-2003).get(0);

        String pressed = bot.fake.userPresses(-2003, MEMBER, waiting.getLong("message_id"), "1:a:-2003");

        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.answer(pressed) != null);
        assertThat(bot.fake.answer(pressed).getBoolean("show_alert")).isTrue();
        assertThat(column("SELECT state FROM tenants WHERE id = -2003")).isEqualTo("pending");
    }

    @Test
    @DisplayName("/settings: an administrator's toggle edits that same message; /status and the history show it")
    void toggleByAdministrator() {
        approvedGroup(-2010, "Toggle team");
        bot.fake.userSends(FakeTelegram.group(-2010, "Toggle team"), MEMBER, "/settings");
        JsonObject settings = bot.awaitMessageContaining(-2010, "Settings");
        assertThat(settings.getString("text")).contains("Dry run: off", "Posts per day: 3", "Hours: 09–21 UTC");

        String pressed = press(-2010, ADMIN_OF_GROUP, settings, "Dry run");

        await().atMost(Duration.ofSeconds(5)).until(() ->
                bot.fake.message(-2010, settings.getLong("message_id")).getString("text").contains("Dry run: on"));
        JsonObject edited = bot.fake.message(-2010, settings.getLong("message_id"));
        assertThat(edited.getJsonObject("reply_markup").encode()).contains("Dry run: ON");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.answer(pressed) != null);
        assertThat(bot.fake.answer(pressed).getString("text")).isEqualTo("Dry run is now ON");
        assertThat(bot.fake.answersTo(pressed)).isEqualTo(1);
        assertThat(bot.db.column("SELECT old_value || '->' || new_value || ' by ' || changed_by FROM tenant_settings_history "
                + "WHERE tenant_id = -2010 AND setting = 'dry_run'")).containsExactly("false->true by " + ADMIN_OF_GROUP.id());

        bot.fake.userSends(FakeTelegram.group(-2010, "Toggle team"), MEMBER, "/status");
        assertThat(bot.awaitMessageContaining(-2010, "📊").getString("text")).contains("Dry run: on", "3 per day, 09–21 UTC");
    }

    @Test
    @DisplayName("a non-administrator's press is refused with an alert and changes nothing")
    void toggleByMemberRefused() {
        approvedGroup(-2011, "Strict team");
        bot.fake.userSends(FakeTelegram.group(-2011, "Strict team"), MEMBER, "/settings");
        JsonObject settings = bot.awaitMessageContaining(-2011, "Settings");

        String pressed = press(-2011, MEMBER, settings, "Dry run");

        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.answer(pressed) != null);
        assertThat(bot.fake.answer(pressed).getString("text")).isEqualTo("Only chat administrators can change settings.");
        assertThat(bot.fake.answer(pressed).getBoolean("show_alert")).isTrue();
        assertThat(column("SELECT dry_run FROM tenants WHERE id = -2011")).isEqualTo(false);
        assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE tenant_id = -2011")).isZero();
    }

    @Test
    @DisplayName("posts per day: 'abc' is refused with the allowed range and the old value stays; '5' is accepted")
    void postsPerDayInput() {
        JsonObject group = approvedGroup(-2012, "Numbers team");
        JsonObject settings = openSettings(group);

        askFor(group, settings, "Posts/day", "How many stories per day");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "abc");

        assertThat(bot.awaitMessageContaining(-2012, "posts per day must be 1–50").getString("text"))
                .contains("stays 3");
        assertThat(column("SELECT posts_per_day FROM tenants WHERE id = -2012")).isEqualTo(3);

        bot.fake.userSends(group, ADMIN_OF_GROUP, "5");
        bot.awaitMessageContaining(-2012, "✅ Posts per day: 5");
        assertThat(column("SELECT posts_per_day FROM tenants WHERE id = -2012")).isEqualTo(5);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                bot.fake.message(-2012, settings.getLong("message_id")).getString("text").contains("Posts per day: 5"));
        assertThat(bot.db.column("SELECT old_value || '->' || new_value FROM tenant_settings_history "
                + "WHERE tenant_id = -2012 AND setting = 'posts_per_day'")).containsExactly("3->5");
    }

    @Test
    @DisplayName("hours and time zone are validated: '9 to 5' and 'Mars/Base' are refused precisely, '21-3' and 'Europe/Berlin' accepted")
    void hoursAndZone() {
        JsonObject group = approvedGroup(-2013, "Night team");
        JsonObject settings = openSettings(group);

        askFor(group, settings, "Hours", "Which hours");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "9 to 5");
        bot.awaitMessageContaining(-2013, "hours look like 9-21");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "21-3");
        bot.awaitMessageContaining(-2013, "Hours: 21–03 UTC");

        askFor(group, settings, "Timezone", "Which time zone");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "Mars/Base");
        bot.awaitMessageContaining(-2013, "unknown time zone");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "Europe/Berlin");
        bot.awaitMessageContaining(-2013, "Hours: 21–03 Europe/Berlin");

        assertThat(bot.db.column("SELECT posting_hours_start || '-' || posting_hours_end || ' ' || timezone FROM tenants WHERE id = -2013"))
                .containsExactly("21-3 Europe/Berlin");
    }

    @Test
    @DisplayName("a pending input survives a restart, and expires after 5 minutes")
    void pendingInputSurvivesRestartAndExpires() {
        JsonObject group = approvedGroup(-2014, "Patient team");
        JsonObject settings = openSettings(group);
        askFor(group, settings, "Posts/day", "How many stories per day");
        bot.awaitHandled();

        bot.restart();
        bot.fake.userSends(group, ADMIN_OF_GROUP, "7");
        bot.awaitMessageContaining(-2014, "✅ Posts per day: 7");

        press(-2014, ADMIN_OF_GROUP, settings, "Posts/day");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.db.count("SELECT count(*) FROM pending_inputs WHERE tenant_id = -2014") == 1);
        bot.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        bot.fake.userSends(group, ADMIN_OF_GROUP, "9");

        bot.awaitMessageContaining(-2014, "That settings input expired");
        assertThat(column("SELECT posts_per_day FROM tenants WHERE id = -2014")).isEqualTo(7);
    }

    @Test
    @DisplayName("/cancel drops a pending input: the next message is just a message")
    void cancel() {
        JsonObject group = approvedGroup(-2015, "Cancelling team");
        askFor(group, openSettings(group), "Posts/day", "How many stories per day");

        bot.fake.userSends(group, ADMIN_OF_GROUP, "/cancel");
        bot.awaitMessageContaining(-2015, "Cancelled");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "12");
        bot.awaitHandled();

        assertThat(column("SELECT posts_per_day FROM tenants WHERE id = -2015")).isEqualTo(3);
    }

    @Test
    @DisplayName("a button pressed while Storyline was down is handled after the restart")
    void pressWhileDown() {
        JsonObject group = approvedGroup(-2016, "Offline team");
        JsonObject settings = openSettings(group);
        bot.awaitHandled();

        bot.stop();
        assertThat(bot.fake.textsIn(TestConfig.ADMIN_CHAT)).anyMatch(t -> t.startsWith("🔴 Storyline") && t.contains("is stopping"));
        press(-2016, ADMIN_OF_GROUP, settings, "Dry run");
        bot.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(column("SELECT dry_run FROM tenants WHERE id = -2016")));
    }

    @Test
    @DisplayName("the same update delivered twice (crash before the offset was stored) changes nothing the second time")
    void replayChangesNothing() {
        JsonObject group = approvedGroup(-2017, "Replay team");
        JsonObject settings = openSettings(group);
        press(-2017, ADMIN_OF_GROUP, settings, "Dry run");
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(column("SELECT dry_run FROM tenants WHERE id = -2017")));
        bot.awaitHandled();
        FakeTelegram.Call pollAfter = bot.fake.calls("getUpdates").get(bot.fake.calls("getUpdates").size() - 1);
        long handledUpTo = pollAfter.params().getLong("offset");

        // as if the process died after handling but before storing the offset: Telegram sends the press again
        bot.stop();
        bot.db.execute("UPDATE telegram_state SET update_offset = ?", handledUpTo - 1);
        JsonObject replay = new JsonObject().put("update_id", handledUpTo - 1).put("callback_query", new JsonObject()
                .put("id", "replayed").put("from", ADMIN_OF_GROUP.json()).put("data", "1:t:dry")
                .put("message", bot.fake.message(-2017, settings.getLong("message_id"))));
        bot.fake.rawUpdate(replay, false);
        bot.start();
        bot.awaitHandled();

        assertThat(column("SELECT dry_run FROM tenants WHERE id = -2017")).isEqualTo(true);
        assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE tenant_id = -2017 AND setting = 'dry_run'")).isEqualTo(1);
    }

    @Test
    @DisplayName("/pause and /resume need an administrator and undeploy and redeploy the scheduler")
    void pauseResume() {
        JsonObject group = approvedGroup(-2018, "Pausing team");
        await().atMost(Duration.ofSeconds(2)).until(() -> schedulerRuns(-2018));

        bot.fake.userSends(group, MEMBER, "/pause");
        bot.awaitMessageContaining(-2018, "Only chat administrators can use /pause");
        bot.fake.userSends(group, ADMIN_OF_GROUP, "/pause");
        bot.awaitMessageContaining(-2018, "Posting paused by @ada");
        await().atMost(Duration.ofSeconds(2)).until(() -> !schedulerRuns(-2018));

        bot.fake.userSends(group, ADMIN_OF_GROUP, "/resume");
        bot.awaitMessageContaining(-2018, "Posting resumed by @ada");
        await().atMost(Duration.ofSeconds(2)).until(() -> schedulerRuns(-2018));
    }

    @Test
    @DisplayName("a deactivated user can do nothing, not even as a chat administrator")
    void deactivatedUser() {
        JsonObject group = approvedGroup(-2023, "Strict HR");
        JsonObject settings = openSettings(group);
        bot.db.execute("UPDATE users SET is_active = false WHERE id = ?", ADMIN_OF_GROUP.id());

        bot.fake.userSends(group, ADMIN_OF_GROUP, "/pause");
        bot.awaitMessageContaining(-2023, "Your access to Storyline has been deactivated.");
        String pressed = press(-2023, ADMIN_OF_GROUP, settings, "Dry run");
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.answer(pressed) != null);

        assertThat(bot.fake.answer(pressed).getString("text")).isEqualTo("Your access to Storyline has been deactivated.");
        assertThat(bot.db.column("SELECT is_paused::text || dry_run::text FROM tenants WHERE id = -2023")).containsExactly("falsefalse");
        bot.db.execute("UPDATE users SET is_active = true WHERE id = ?", ADMIN_OF_GROUP.id());
    }

    @Test
    @DisplayName("/cmd@OurBot works, /cmd@OtherBot is ignored, unknown commands get a hint to /help")
    void commandForms() {
        JsonObject group = approvedGroup(-2019, "Forms team");
        bot.fake.userSends(group, MEMBER, "/status@" + FakeTelegram.BOT_USERNAME);
        bot.awaitMessageContaining(-2019, "📊");
        bot.fake.userSends(group, MEMBER, "/help@SomeOtherBot");
        bot.fake.userSends(group, MEMBER, "/frobnicate now");
        bot.awaitMessageContaining(-2019, "I don't know /frobnicate. /help lists what I understand.");

        assertThat(bot.fake.textsIn(-2019)).noneMatch(t -> t.contains("brings your team's Instagram stories"));
        assertThat(bot.db.count("SELECT count(*) FROM interactions WHERE tenant_id = -2019 AND kind = 'command'")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("a 429 makes the bot wait retry_after and then the reply arrives")
    void rateLimitedReply() {
        JsonObject group = approvedGroup(-2020, "Busy team");
        bot.fake.failNext("sendMessage", 1, 429, "Too Many Requests: retry after 2", 2);

        long before = System.nanoTime();
        bot.fake.userSends(group, MEMBER, "/status");
        bot.awaitMessageContaining(-2020, "📊");

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        String metrics = Http.get(bot.app().httpPort(), "/metrics").body();
        assertThat(metrics).containsPattern("(?m)^storyline_telegram_rate_limited_total [1-9]");
    }

    @Test
    @DisplayName("a group upgraded to a supergroup moves its tenant, settings and all, to the new chat id")
    void migration() {
        JsonObject group = approvedGroup(-2021, "Growing team");
        bot.db.execute("UPDATE tenants SET posts_per_day = 4 WHERE id = -2021");
        long supergroup = -1002021000000L;
        bot.fake.migrate(-2021L, supergroup);

        bot.fake.userSends(group, MEMBER, "/status"); // the reply to the old id meets the migration

        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM tenants WHERE id = ?", supergroup) == 1);
        assertThat(bot.db.count("SELECT count(*) FROM tenants WHERE id = -2021")).isZero();
        assertThat(column("SELECT posts_per_day FROM tenants WHERE id = ?", supergroup)).isEqualTo(4);
        assertThat(bot.awaitMessageContaining(supergroup, "📊").getJsonObject("chat").getLong("id")).isEqualTo(supergroup);
        await().atMost(Duration.ofSeconds(2)).until(() -> schedulerRuns(supergroup));
    }

    @Test
    @DisplayName("a bot kicked from a group pauses its tenant (with the reason) and tells the admin once")
    void kicked() {
        JsonObject group = approvedGroup(-2022, "Leaving team");
        bot.fake.botStatusChanged(group, ADMIN_OF_GROUP, "member", "kicked");

        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(column("SELECT is_paused FROM tenants WHERE id = -2022")));
        assertThat((String) column("SELECT paused_reason FROM tenants WHERE id = -2022")).contains("removed from the chat by @ada");
        bot.awaitMessage(TestConfig.ADMIN_CHAT, t -> t.contains("Leaving team") && t.contains("removed"));

        // messages to the chat now answer 403: still one alert, and the tenant stays paused
        bot.fake.userSends(group, MEMBER, "/status");
        bot.awaitHandled();
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.fake.calls("sendMessage").stream()
                .anyMatch(c -> c.chatId() != null && c.chatId() == -2022L && c.params().getString("text", "").contains("📊")));
        assertThat(bot.fake.textsIn(TestConfig.ADMIN_CHAT).stream().filter(t -> t.contains("Leaving team") && t.contains("removed")))
                .hasSize(1);
        assertThat(bot.db.count("SELECT count(*) FROM alerts WHERE alert_key = 'bot-removed:-2022'")).isEqualTo(1);
    }

    @Test
    @DisplayName("start-up tells the admin chat the version and tenant counts; the command menu is published")
    void startupMessage() {
        bot.awaitMessage(TestConfig.ADMIN_CHAT, t -> t.startsWith("🟢 Storyline") && t.contains("active") && t.contains("waiting for approval"));
        assertThat(bot.fake.calls("setMyCommands")).isNotEmpty();
        assertThat(bot.fake.calls("deleteWebhook")).isNotEmpty();
    }
}
