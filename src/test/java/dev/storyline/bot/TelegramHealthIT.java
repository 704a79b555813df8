package dev.storyline.bot;

import dev.storyline.app.Application;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.Http;
import dev.storyline.testing.MutableClock;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /health reports the Telegram poller: reachable, in conflict (409), or unreachable for two minutes. */
class TelegramHealthIT {
    @TempDir
    Path dataDir;

    private static final String ADMIN_TOKEN = "telegram-health-admin";

    /** The telegram check with its detail: the admin report (the public one says only UP or DOWN). */
    private static JsonObject telegramCheck(int port) {
        assertThat(Http.get(port, "/health").json().getJsonObject("checks").getJsonObject("telegram").containsKey("detail"))
                .as("the public report keeps the error text to itself").isFalse();
        return Http.get(port, "/admin/health", ADMIN_TOKEN).json().getJsonObject("checks").getJsonObject("telegram");
    }

    @Test
    @DisplayName("a 409 (another poller or a webhook) makes /health 503 naming it, until it stops")
    void conflict() {
        try (BotHarness bot = new BotHarness(dataDir, new JsonObject().put("ADMIN_TOKEN", ADMIN_TOKEN))) {
            int port = bot.app().httpPort();
            assertThat(telegramCheck(port).getString("status")).isEqualTo("UP");

            bot.fake.conflict(true);
            bot.fake.userSends(BotHarness.ADMIN_CHAT, BotHarness.OPERATOR, "/help"); // ends the parked long poll
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(port, "/health").status() == 503);
            assertThat(telegramCheck(port).getString("detail")).contains("409");

            bot.fake.conflict(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(port, "/health").status() == 200);
        }
    }

    @Test
    @DisplayName("a poller that cannot reach Telegram fails the health check after two minutes")
    void unreachable() {
        MutableClock clock = new MutableClock();
        TestDatabase db = TestDatabase.create();
        Application app = Application.start(TestConfig.parse(TestConfig.keys(db, dataDir).put("ADMIN_TOKEN", ADMIN_TOKEN)), clock); // Telegram at a closed port
        try {
            assertThat(telegramCheck(app.httpPort()).getString("status")).isEqualTo("UP");

            clock.advance(Duration.ofMinutes(2).plusSeconds(1));

            assertThat(Http.get(app.httpPort(), "/health").status()).isEqualTo(503);
            assertThat(telegramCheck(app.httpPort()).getString("detail")).startsWith("never reached Telegram");
        } finally {
            app.stop();
        }
    }
}
