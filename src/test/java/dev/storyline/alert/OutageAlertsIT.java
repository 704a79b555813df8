package dev.storyline.alert;

import dev.storyline.app.Application;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.MutableClock;
import dev.storyline.testing.TcpProxy;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch's alerts about the infrastructure (issue 7): the database reached through a proxy the
 * test cuts, and a poller whose getUpdates keeps failing while the business clock moves on.
 */
class OutageAlertsIT {
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static TcpProxy proxy;
    private static FakeTelegram fake;
    private static MutableClock clock;
    private static Application app;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        proxy = new TcpProxy(db.settings().host(), db.settings().port());
        fake = new FakeTelegram(TestConfig.TOKEN);
        clock = new MutableClock(Instant.now());
        String viaProxy = db.url().replace(":" + db.settings().port() + "/", ":" + proxy.port() + "/");
        app = Application.start(TestConfig.withSweep(TestConfig.parse(TestConfig.keys(db, dataDir).put("DATABASE_URL", viaProxy)
                .put("TELEGRAM_API_BASE_URL", fake.baseUrl())), Duration.ofMillis(200)), clock);
        await().atMost(Duration.ofSeconds(10)).until(() -> !fake.calls("getUpdates").isEmpty());
    }

    @AfterAll
    static void stop() {
        app.stop();
        proxy.close();
        fake.close();
    }

    private static long adminTexts(String fragment) {
        return fake.textsIn(TestConfig.ADMIN_CHAT).stream().filter(t -> t.contains(fragment)).count();
    }

    @Test
    @DisplayName("the database unreachable: the admin chat hears it once, and again when it is back")
    void database() {
        proxy.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> adminTexts("The database is unreachable") == 1);
        proxy.restore();
        await().atMost(Duration.ofSeconds(20)).until(() -> adminTexts("The database is reachable again") == 1);
        assertThat(adminTexts("The database is unreachable")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_key = 'database-back'")).isEqualTo(1);
    }

    @Test
    @DisplayName("no successful poll for 5 minutes (409 from Telegram while the clock moves on): one alert")
    void poller() {
        fake.conflict(true);
        try {
            clock.advance(Duration.ofMinutes(6));
            await().atMost(Duration.ofSeconds(20)).until(() -> adminTexts("has not reached Telegram for") == 1);
            assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_key = 'telegram-unreachable'")).isEqualTo(1);
        } finally {
            fake.conflict(false);
        }
    }
}
