package dev.storyline.bot;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.LogCapture;
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

/** D26: floods from strangers and from one person cost bounded memory and replies, and never starve the teams. */
class FloodIT {
    private static final int FLOOD = 10_000;

    @TempDir
    Path dataDir;

    private static long usedHeapMiB() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }

    private static JsonObject start(long personId) {
        FakeTelegram.Person person = new FakeTelegram.Person(personId, "P" + personId, null);
        return new JsonObject().put("message", new JsonObject().put("message_id", 1).put("date", 0)
                .put("chat", FakeTelegram.privateChat(person)).put("from", person.json()).put("text", "/start")
                .put("entities", new JsonArray().add(new JsonObject().put("type", "bot_command").put("offset", 0).put("length", 6))));
    }

    @Test
    @DisplayName("10,000 private /starts: the strangers' replies stay within their budget (one log line), the heap stays flat, "
            + "and a team's /status is answered at once afterwards")
    void strangersFlood() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"));
             LogCapture logs = LogCapture.attach()) {
            JsonObject team = FakeTelegram.group(-4201, "Busy team");
            bot.fake.setAdmins(-4201, ADMIN_OF_GROUP.id());
            bot.fake.userSends(team, ADMIN_OF_GROUP, "/start");
            bot.awaitMessageContaining(-4201, "Storyline is active here");
            long before = usedHeapMiB();

            List<JsonObject> flood = new ArrayList<>(FLOOD);
            for (int i = 0; i < FLOOD; i++) {
                flood.add(start(1_000_000L + i));
            }
            bot.fake.rawUpdates(flood);
            flood.clear();
            await().atMost(Duration.ofSeconds(120)).until(() -> bot.fake.unconfirmedUpdates() == 0);
            long after = usedHeapMiB();
            System.out.printf("FloodIT: heap used before the flood %d MiB, after %d private /start %d MiB%n", before, FLOOD, after);

            bot.fake.userSends(team, MEMBER, "/status");
            bot.awaitMessageContaining(-4201, "📊");
            long strangerReplies = bot.fake.calls("sendMessage").stream().filter(c -> c.chatId() != null && c.chatId() >= 1_000_000L)
                    .count();
            assertThat(strangerReplies).as("replies to strangers: a few within the budget, not 10,000").isLessThan(FLOOD / 4);
            assertThat(logs.lines()).as("one log line for the episode").filteredOn(l -> l.contains("OUTBOX_MAX_STRANGERS")).hasSize(1);
            assertThat(Http.get(bot.app().httpPort(), "/metrics").body())
                    .containsPattern("storyline_telegram_outbox_refused_total\\{bound=\"strangers\"} [1-9]");
            assertThat(after - before).as("the heap after the flood (MiB)").isLessThan(64);
        }
    }

    @Test
    @DisplayName("one person's 6 commands with COMMANDS_PER_MINUTE=3: 3 answers, one 'slow down', then silence; another person is answered")
    void onePersonFlood() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("COMMANDS_PER_MINUTE", "3"))) {
            FakeTelegram.Person hasty = new FakeTelegram.Person(7777, "Hasty", "hasty");
            JsonObject chat = FakeTelegram.privateChat(hasty);
            for (int i = 0; i < 6; i++) {
                bot.fake.userSends(chat, hasty, "/help");
            }
            bot.awaitMessageContaining(7777, "Slow down");
            bot.awaitHandled();
            assertThat(bot.fake.textsIn(7777)).hasSize(4);
            assertThat(bot.fake.textsIn(7777)).filteredOn(t -> t.contains("Storyline")).hasSize(3);

            FakeTelegram.Person calm = new FakeTelegram.Person(7778, "Calm", "calm");
            bot.fake.userSends(FakeTelegram.privateChat(calm), calm, "/help");
            bot.awaitMessageContaining(7778, "Storyline");
        }
    }
}
