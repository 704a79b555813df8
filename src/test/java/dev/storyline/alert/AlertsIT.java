package dev.storyline.alert;

import dev.storyline.app.Application;
import dev.storyline.config.AppConfig;
import dev.storyline.tenant.TenantSchedulerVerticle;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerts that warn the operator (issue 7): a tenant whose scheduler beats but never sends (stuck) has
 * stories overdue by two hours; the admin chat hears it once, not once a check, also after a restart.
 */
class AlertsIT {
    private static final String ADMIN_TOKEN = "alerts-admin-token";
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static FakeTelegram fake;
    private static Application app;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        fake = new FakeTelegram(TestConfig.TOKEN);
        app = start(db, fake);
    }

    /** The real application, except that every scheduler only beats: nothing ever claims a slot. */
    private static Application start(TestDatabase db, FakeTelegram fake) {
        AppConfig config = TestConfig.withSweep(TestConfig.parse(TestConfig.keys(db, dataDir).put("TELEGRAM_API_BASE_URL", fake.baseUrl())
                .put("ADMIN_TOKEN", ADMIN_TOKEN)), Duration.ofMillis(200));
        return Application.start(config, Clock.systemUTC(), tenant -> new TenantSchedulerVerticle(Duration.ofSeconds(1), Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        app.stop();
        fake.close();
    }

    @org.junit.jupiter.api.AfterEach
    void telegramWell() {
        fake.clearFaults();
    }

    private static long suppressed() {
        return db.count("SELECT coalesce(sum(suppressed), 0) FROM alerts WHERE alert_key = 'overdue-slots:-9001'");
    }

    private static long overdueMessages() {
        return fake.textsIn(TestConfig.ADMIN_CHAT).stream().filter(t -> t.contains("overdue")).count();
    }

    @Test
    @DisplayName("stories overdue by 2 hours: one alert with the slot time, suppressed on every later check and after a restart")
    void overdueOnce() {
        db.insertTenant(-9001, "Stuck team", "approved", false);
        OffsetDateTime twoHoursAgo = OffsetDateTime.now(ZoneOffset.UTC).minusHours(2);
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at) VALUES (-9001, 'stuck-1', ?, ?)",
                twoHoursAgo, twoHoursAgo);

        await().atMost(Duration.ofSeconds(20)).until(() -> overdueMessages() == 1);
        assertThat(fake.textsIn(TestConfig.ADMIN_CHAT)).filteredOn(t -> t.contains("overdue")).singleElement().asString()
                .contains("Stuck team (-9001): 1 planned story is overdue").contains("(2 h 0 min ago). Its scheduler may be stuck");
        await().atMost(Duration.ofSeconds(20)).until(() -> suppressed() >= 3);

        app.stop();
        app = start(db, fake);
        long before = suppressed();
        await().atMost(Duration.ofSeconds(20)).until(() -> suppressed() >= before + 3);
        assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_key = 'overdue-slots:-9001'")).isEqualTo(1);
        assertThat(overdueMessages()).isEqualTo(1);

        Http.Response alerts = Http.get(app.httpPort(), "/admin/alerts?limit=10", ADMIN_TOKEN);
        assertThat(alerts.status()).isEqualTo(200);
        assertThat(alerts.json().getJsonArray("alerts").encode()).contains("overdue-slots:-9001").contains("\"tenantId\":-9001");
        assertThat(Http.get(app.httpPort(), "/admin/alerts?limit=0", ADMIN_TOKEN).status()).isEqualTo(400);
    }

    @Test
    @DisplayName("an alert Telegram does not take (502 every time) stays undelivered; after a restart it is sent, once, and marked delivered")
    void alertSurvivesACrash() {
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.textsIn(TestConfig.ADMIN_CHAT).stream().anyMatch(t -> t.contains("started")));
        fake.failNextIn(TestConfig.ADMIN_CHAT, "sendMessage", 1_000, 502, "Bad Gateway");
        new dev.storyline.bus.EventBusClient(app.vertx()).raiseAlert(new dev.storyline.bus.AlertRaised("must-arrive", null, "warning",
                "🧯 This alert must arrive"));
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.calls("sendMessage").stream()
                .anyMatch(c -> c.params().getString("text", "").contains("This alert must arrive")));
        assertThat(db.column("SELECT o.state FROM outbox_messages o JOIN alerts a ON o.dedupe_key = 'alert:' || a.id "
                + "WHERE a.alert_key = 'must-arrive'")).as("not accepted: not marked sent").containsExactly("pending");
        assertThat(Http.get(app.httpPort(), "/admin/alerts?limit=50", ADMIN_TOKEN).json().getJsonArray("alerts").stream()
                .map(JsonObject.class::cast).filter(a -> a.getString("key").equals("must-arrive")).findFirst().orElseThrow()
                .getBoolean("delivered")).isFalse();

        app.stop();
        fake.clearFaults();
        app = start(db, fake);
        await().atMost(Duration.ofSeconds(20)).until(() -> fake.textsIn(TestConfig.ADMIN_CHAT).stream()
                .anyMatch(t -> t.contains("This alert must arrive")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(app.httpPort(), "/admin/alerts?limit=50", ADMIN_TOKEN).json()
                .getJsonArray("alerts").stream().map(JsonObject.class::cast).anyMatch(a -> a.getString("key").equals("must-arrive")
                        && a.getBoolean("delivered")));
        assertThat(fake.textsIn(TestConfig.ADMIN_CHAT)).filteredOn(t -> t.contains("This alert must arrive")).hasSize(1);
    }
}
