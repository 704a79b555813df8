package dev.storyline.telegram;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13 point 6: only getMe and getUpdates are required of a Bot API server (a local Bot API, an emulator). */
class UnusualBotApiIT {
    @TempDir
    static Path dataDir;
    private static BotHarness bot;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"));
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    @Test
    @DisplayName("a server that answers 404 to setMyCommands and 500 to deleteWebhook: the bot polls and answers anyway")
    void lacksOptionalMethods() {
        bot.stop();
        int setMyCommandsBefore = bot.fake.calls("setMyCommands").size();
        bot.fake.failNext("setMyCommands", 100, 404, "Not Found: method not found", null);
        bot.fake.failNext("deleteWebhook", 100, 500, "Internal Server Error", null);

        bot.start(); // waits for the first getUpdates

        assertThat(bot.fake.calls("setMyCommands")).hasSize(setMyCommandsBefore + 1);
        bot.fake.userSends(FakeTelegram.group(-9601, "Emulated team"), ADMIN_OF_GROUP, "/start");
        bot.awaitMessage(-9601, t -> t.contains("Storyline"));
    }
}
