package dev.storyline.bot;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** TENANT_REGISTRATION=open and closed, and TELEGRAM_CHANNEL_ID. */
class RegistrationModesIT {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("open: a group is active at once and the admin chat is told; TELEGRAM_CHANNEL_ID is registered and approved at start")
    void open() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open")
                .put("TELEGRAM_CHANNEL_ID", "-1001234500000"))) {
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    bot.db.column("SELECT state FROM tenants WHERE id = -1001234500000").contains("approved"));

            bot.fake.botStatusChanged(FakeTelegram.group(-3001, "Open team"), ADMIN_OF_GROUP, "left", "member");

            bot.awaitMessageContaining(-3001, "Storyline is active here");
            bot.awaitMessage(TestConfig.ADMIN_CHAT, t -> t.contains("Open team") && t.contains("started using Storyline"));
            assertThat(bot.db.column("SELECT state FROM tenants WHERE id = -3001")).containsExactly("approved");
        }
    }

    @Test
    @DisplayName("closed: the bot says so and registers nothing")
    void closed() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "closed"))) {
            bot.fake.userSends(FakeTelegram.group(-3002, "Closed door"), ADMIN_OF_GROUP, "/start");

            bot.awaitMessageContaining(-3002, "not taking new teams");
            assertThat(bot.db.count("SELECT count(*) FROM tenants")).isZero();
        }
    }
}
