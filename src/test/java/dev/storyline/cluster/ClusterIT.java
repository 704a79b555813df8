package dev.storyline.cluster;

import dev.storyline.app.Application;
import dev.storyline.config.AppConfig;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.MutableClock;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes of one cluster (D32) in this JVM, joined over Hazelcast on 127.0.0.1 against one database
 * and the fake Bot API, with 6-second leases: the tenants are shared out, each runs on one node, one
 * node polls Telegram and sends for both; when a node stops, the other takes its tenants and Telegram,
 * and every due slot is still notified exactly once, every command answered once.
 */
class ClusterIT {
    private static final long[] TENANTS = {-9301, -9302, -9303, -9304};
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static FakeTelegram fake;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-07T06:00:00Z"));
    private static Application a;
    private static Application b;
    private static JsonObject tls;
    private static final String ADMIN_TOKEN = "cluster-admin-token";

    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.create();
        fake = new FakeTelegram(TestConfig.TOKEN);
        for (long tenant : TENANTS) {
            for (int i = 0; i < 4; i++) {
                TestImages.write(dataDir.resolve("shared-media/" + tenant + "/img-" + i + ".jpg"), "jpg", 1080, 1920,
                        new Color((int) (-tenant % 200), i * 40, 77));
            }
            db.insertTenant(tenant, "Cluster team " + tenant, "approved", false);
        }
        // the event bus between the nodes is TLS both ways: each node shows the certificate and trusts it as the CA
        io.vertx.core.net.SelfSignedCertificate certificate = io.vertx.core.net.SelfSignedCertificate.create("localhost");
        tls = new JsonObject().put("CLUSTER_TLS_CERT", certificate.certificatePath()).put("CLUSTER_TLS_KEY", certificate.privateKeyPath())
                .put("CLUSTER_TLS_CA", certificate.certificatePath());
        int portA = dev.storyline.testing.Ports.freePair();
        int portB = dev.storyline.testing.Ports.freePair();
        a = Application.start(config("a", portA, portB), CLOCK);
        b = Application.start(config("b", portB, portA), CLOCK);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.stop();
        }
        if (a != null) {
            a.stop();
        }
        fake.close();
    }

    private static AppConfig config(String name, int port, int other) {
        // the business clock jumps: a fast sweep notices the due slots at once
        return TestConfig.withSweep(TestConfig.parse(TestConfig.keys(db, dataDir.resolve(name)).put("TELEGRAM_API_BASE_URL", fake.baseUrl())
                .put("MEDIA_DIR", dataDir.resolve("shared-media").toString())
                .put("CLUSTER_ENABLED", "true").put("CLUSTER_HOST", "127.0.0.1").put("CLUSTER_PORT", String.valueOf(port))
                .put("CLUSTER_MEMBERS", "127.0.0.1:" + other).put("CLUSTER_LEASE_SECONDS", "6").put("ADMIN_TOKEN", ADMIN_TOKEN)
                .mergeIn(tls)), Duration.ofMillis(200));
    }


    private static long leased(String node) {
        return db.count("SELECT count(*) FROM tenant_leases WHERE owner = ? AND lease_until > now()", node);
    }

    private static String telegramLeader() {
        List<Object> owner = db.column("SELECT owner FROM cluster_leases WHERE name = 'telegram' AND lease_until > now()");
        return owner.isEmpty() ? null : (String) owner.get(0);
    }

    private static long photos(long chat) {
        return fake.messagesIn(chat).stream().filter(m -> m.containsKey("photo")).count();
    }

    private static long notified(long tenant) {
        return db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ? AND state = 'notified'", tenant);
    }

    /** Moves the shared clock past every team's next planned slot and waits until each has one more notification. */
    private static void nextSlots() {
        long[] before = new long[TENANTS.length];
        Instant latest = CLOCK.instant();
        for (int i = 0; i < TENANTS.length; i++) {
            long tenant = TENANTS[i];
            await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ? "
                    + "AND state = 'planned'", tenant) > 0);
            Instant next = ((java.sql.Timestamp) db.column("SELECT min(due_at) FROM posting_queue WHERE tenant_id = ? AND state = 'planned'",
                    tenant).get(0)).toInstant();
            latest = next.isAfter(latest) ? next : latest;
            before[i] = photos(tenant);
        }
        CLOCK.set(latest.plusSeconds(1));
        for (int i = 0; i < TENANTS.length; i++) {
            long tenant = TENANTS[i];
            long had = before[i];
            await().atMost(Duration.ofSeconds(30)).until(() -> photos(tenant) > had);
        }
    }

    /** Sends /help in a team's group and waits for the bot's one answer; returns how many answers came. */
    private static long help(long chat) {
        long before = fake.textsIn(chat).stream().filter(t -> t.contains("/status")).count();
        fake.userSends(FakeTelegram.group(chat, "Cluster team " + chat), MEMBER, "/help");
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.textsIn(chat).stream().filter(t -> t.contains("/status")).count() > before);
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.unconfirmedUpdates() == 0);
        return fake.textsIn(chat).stream().filter(t -> t.contains("/status")).count() - before;
    }

    @Test
    @DisplayName("two nodes share four teams, one polls Telegram; after one stops the other runs all; each slot notified once, each command answered once")
    void shareAndTakeOver() {
        await().atMost(Duration.ofSeconds(40)).until(() -> leased(a.node()) == 2 && leased(b.node()) == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> telegramLeader() != null);
        String leader = telegramLeader();
        assertThat(leader).isIn(a.node(), b.node());

        nextSlots();
        for (long tenant : TENANTS) {
            assertThat(photos(tenant)).as("tenant " + tenant + ": one notification per due slot").isEqualTo(notified(tenant));
        }
        assertThat(help(TENANTS[0])).as("one node polls: one answer").isEqualTo(1);

        // every node answers HTTP: its health has the cluster, its orchestrator view every node's tenants (a lease given up is in
        // the database before the scheduler is undeployed: each node's own view follows within its round)
        await().atMost(Duration.ofSeconds(20)).until(() -> List.of(a, b).stream().allMatch(node -> new JsonObject(dev.storyline.testing.Http.get(
                node.httpPort(), "/admin/orchestrator", ADMIN_TOKEN).body()).getJsonArray("schedulers").size() == 2));
        for (Application node : List.of(a, b)) {
            dev.storyline.testing.Http.Response health = dev.storyline.testing.Http.get(node.httpPort(), "/admin/health", ADMIN_TOKEN);
            JsonObject cluster = new JsonObject(health.body()).getJsonObject("checks").getJsonObject("cluster");
            assertThat(cluster.getString("status")).as(health.body()).isEqualTo("UP");
            assertThat(cluster.getString("detail")).startsWith("2 live nodes; this one runs 2 tenants");
            JsonObject orchestrator = new JsonObject(dev.storyline.testing.Http.get(node.httpPort(), "/admin/orchestrator", ADMIN_TOKEN).body());
            assertThat(orchestrator.getString("node")).isEqualTo(node.node());
            assertThat(orchestrator.getJsonArray("schedulers")).hasSize(2);
            assertThat(orchestrator.getJsonObject("cluster").getJsonArray("nodes")).hasSize(2);
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = dev.storyline.cli.Cli.run(new String[] {"cluster", "status"}, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true), dev.storyline.config.ConfigLoader.Sources.isolated(dataDir,
                        new JsonObject().put("DATABASE_URL", db.url()).put("STORYLINE_DATA_DIR", dataDir.resolve("cli").toString())));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains(a.node()).contains(b.node()).contains("Telegram: " + leader);

        Application leaving = leader.equals(a.node()) ? a : b;
        Application staying = leaving == a ? b : a;
        leaving.stop();
        if (leaving == a) {
            a = null;
        } else {
            b = null;
        }
        await().atMost(Duration.ofSeconds(40)).until(() -> leased(staying.node()) == 4 && staying.node().equals(telegramLeader()));

        nextSlots();
        for (long tenant : TENANTS) {
            assertThat(photos(tenant)).as("tenant " + tenant + " after the take-over").isEqualTo(notified(tenant));
        }
        assertThat(help(TENANTS[1])).isEqualTo(1);
    }
}
