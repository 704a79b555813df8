package dev.storyline.bot;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Malformed and hostile updates leave the process healthy and other chats unaffected. */
class HostileUpdatesIT {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("300 malformed or hostile updates: the process stays healthy, nothing changes, and another team gets its answers at once")
    void hostileUpdates() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"))) {
            JsonObject team = FakeTelegram.group(-4001, "Real team");
            bot.fake.setAdmins(-4001, ADMIN_OF_GROUP.id());
            bot.fake.userSends(team, ADMIN_OF_GROUP, "/start");
            bot.awaitMessageContaining(-4001, "Storyline is active here");
            bot.fake.userSends(team, MEMBER, "/settings");
            JsonObject settings = bot.awaitMessageContaining(-4001, "Settings");
            long settingsId = settings.getLong("message_id");
            JsonObject stranger = FakeTelegram.group(-4002, "Stranger group");
            JsonObject otherTeam = FakeTelegram.group(-4003, "Other team");
            bot.fake.userSends(otherTeam, ADMIN_OF_GROUP, "/start");
            bot.awaitMessageContaining(-4003, "Storyline is active here");
            String huge = "x".repeat(10_000);

            List<JsonObject> hostile = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                hostile.add(new JsonObject());                                                        // no content at all
                hostile.add(new JsonObject().put("message", "not an object"));                        // wrong type
                hostile.add(new JsonObject().put("message", new JsonObject().put("message_id", 1)));  // no chat
                hostile.add(new JsonObject().put("message", new JsonObject().put("message_id", "x").put("chat", team)));
                hostile.add(new JsonObject().put("poll", new JsonObject().put("id", "p")));           // a type we do not ask for
                hostile.add(new JsonObject().put("message", new JsonObject().put("message_id", 5).put("chat", team)
                        .put("from", MEMBER.json()).put("text", huge)));                               // 10,000 characters
                hostile.add(new JsonObject().put("message", new JsonObject().put("message_id", 6).put("chat", team)
                        .put("from", MEMBER.json()).put("text", "/" + huge)));                         // a 10,000-character command
                hostile.add(callback("c-garbage-" + i, team, settingsId, "'; DROP TABLE tenants; --"));
                hostile.add(callback("c-long-" + i, team, settingsId, "1:t:" + "d".repeat(80)));
                hostile.add(callback("c-approve-" + i, team, settingsId, "1:a:-4001"));                 // approve outside the admin chat
                hostile.add(callback("c-other-" + i, stranger, 1, "1:t:dry"));                          // a toggle in a chat that is no tenant
                hostile.add(new JsonObject().put("my_chat_member", new JsonObject().put("chat", team)));  // no statuses
            }
            for (JsonObject update : hostile) {
                bot.fake.rawUpdate(update, true);
            }
            bot.fake.rawUpdate(new JsonObject().put("message", new JsonObject().put("text", "no update id")), false);
            assertThat(hostile).hasSize(300);

            // the spammed chat's own replies queue up behind its one message a second; another chat's do not
            // (someone else asks: the spammer's own commands are past COMMANDS_PER_MINUTE by now)
            bot.fake.userSends(otherTeam, ADMIN_OF_GROUP, "/status");
            bot.awaitMessageContaining(-4003, "📊");
            bot.awaitHandled();

            assertThat(bot.db.column("SELECT dry_run FROM tenants WHERE id = -4001")).containsExactly(false);
            assertThat(bot.db.column("SELECT state FROM tenants WHERE id = -4001")).containsExactly("approved");
            assertThat(bot.db.count("SELECT count(*) FROM tenants WHERE id = -4002")).isZero();
            assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history")).isZero();
            assertThat(bot.fake.answer("c-other-0").getString("text")).isEqualTo("Storyline is not active in this chat.");
            assertThat(bot.fake.answer("c-garbage-0").getString("text")).isEqualTo("This button is no longer valid.");
            assertThat(bot.fake.answer("c-approve-0").getBoolean("show_alert")).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> Http.get(bot.app().httpPort(), "/health").status() == 200);
            String metrics = Http.get(bot.app().httpPort(), "/metrics").body();
            assertThat(metrics).containsPattern("(?m)^storyline_telegram_updates_skipped_total [1-9][0-9]+");
        }
    }

    @Test
    @DisplayName("a poison update (its person's row fails with a database error every time) is set aside after 3 tries with its raw "
            + "update; the rest of its batch is handled once, other teams are not stalled, and the admin is told")
    void poisonUpdate() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"))) {
            JsonObject team = FakeTelegram.group(-4011, "Poisoned team");
            JsonObject otherTeam = FakeTelegram.group(-4013, "Other team");
            bot.fake.setAdmins(-4011, ADMIN_OF_GROUP.id());
            bot.fake.setAdmins(-4013, ADMIN_OF_GROUP.id());
            bot.fake.userSends(team, ADMIN_OF_GROUP, "/start");
            bot.awaitMessageContaining(-4011, "Storyline is active here");
            bot.fake.userSends(otherTeam, ADMIN_OF_GROUP, "/start");
            bot.awaitMessageContaining(-4013, "Storyline is active here");
            // a real PostgreSQL fault, every time this one person is written: "insufficient resources" looks like an outage
            bot.db.execute("CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.id = 6666 THEN RAISE EXCEPTION 'poisoned row' USING ERRCODE = '53000'; END IF; RETURN NEW; END $$");
            bot.db.execute("CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION poison()");
            FakeTelegram.Person poison = new FakeTelegram.Person(6666, "Mallory", "mallory");
            try {
                bot.fake.holdUpdates();
                bot.fake.userSends(team, poison, "/status");
                bot.fake.userSends(team, MEMBER, "/status");
                bot.fake.userSends(otherTeam, MEMBER, "/status");
                bot.fake.releaseUpdates();

                bot.awaitMessageContaining(-4013, "📊");
                await().atMost(Duration.ofSeconds(30)).until(() -> bot.db.count("SELECT count(*) FROM telegram_dead_letters") == 1);
                assertThat(bot.db.column("SELECT attempts || ' ' || (raw -> 'message' ->> 'text') || ' ' || error "
                        + "FROM telegram_dead_letters")).singleElement().asString().startsWith("3 /status").contains("poisoned row");
                await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.textsIn(dev.storyline.testing.TestConfig.ADMIN_CHAT).stream()
                        .anyMatch(t -> t.contains("failed 3 times and was set aside")));
                bot.awaitHandled();
                assertThat(bot.fake.textsIn(-4013)).as("handled once, although its batch was tried four times")
                        .filteredOn(t -> t.startsWith("📊")).hasSize(1);
                assertThat(bot.fake.textsIn(-4011)).as("the member after the poison in the same chat").filteredOn(t -> t.startsWith("📊"))
                        .hasSize(1);
            } finally {
                bot.db.execute("DROP TRIGGER poison ON users");
            }
            bot.fake.userSends(otherTeam, MEMBER, "/status");
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.textsIn(-4013).stream().filter(t -> t.startsWith("📊")).count() == 2);
            assertThat(Http.get(bot.app().httpPort(), "/health").status()).isEqualTo(200);
        }
    }

    private static JsonObject callback(String id, JsonObject chat, long messageId, String data) {
        return new JsonObject().put("callback_query", new JsonObject().put("id", id).put("from", MEMBER.json()).put("data", data)
                .put("message", new JsonObject().put("message_id", messageId).put("chat", chat).put("date", 0)
                        .put("reply_markup", new JsonObject().put("inline_keyboard", new JsonArray()))));
    }
}
