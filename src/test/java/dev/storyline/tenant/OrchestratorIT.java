package dev.storyline.tenant;

import dev.storyline.app.Application;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.OrchestratorState;
import dev.storyline.bus.SchedulerStatus;
import dev.storyline.bus.TenantChanged;
import dev.storyline.config.AppConfig;
import dev.storyline.testing.MutableClock;
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
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orchestrator deploys, undeploys and restarts real scheduler verticles against a real database.
 * Liveness is measured on a clock the tests drive ({@link #passTime}): a scheduler looks silent only
 * when the test moves that clock past the timeout, never because a slow machine was slow.
 */
class OrchestratorIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The orchestrator's liveness clock; it moves only when a test says so. */
    private static final MutableClock LIVENESS = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private static final String ADMIN_TOKEN = "orchestrator-it-token";
    /** Tenants whose scheduler stops beating, as a stuck scheduler would. */
    private static final Set<Long> SILENCED = ConcurrentHashMap.newKeySet();

    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static Application app;
    private static EventBusClient bus;

    /** The real scheduler, except that it can be told to go silent. */
    static final class SilenceableScheduler extends TenantSchedulerVerticle {
        SilenceableScheduler() {
            super(HEARTBEAT, Clock.systemUTC());
        }

        @Override
        protected void beat() {
            if (!SILENCED.contains(tenantId())) {
                super.beat();
            }
        }
    }

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        db.insertTenant(-1000L, "Already there", "approved", false);
        AppConfig config = TestConfig.withHeartbeat(
                TestConfig.parse(TestConfig.keys(db, dataDir).put("ADMIN_TOKEN", ADMIN_TOKEN)), HEARTBEAT, TIMEOUT);
        app = Application.start(config, Clock.systemUTC(), tenant -> new SilenceableScheduler(), LIVENESS);
        bus = new EventBusClient(app.vertx());
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static OrchestratorState state() {
        return bus.orchestratorState().await();
    }

    private static Optional<OrchestratorState.Scheduler> scheduler(long tenantId) {
        return state().schedulers().stream().filter(s -> s.tenantId() == tenantId).findFirst();
    }

    /**
     * Moves the liveness clock on by a third of the timeout at a time, each step only once every
     * scheduler that is not silenced has beaten at the new time, until {@code done} holds (at most 20
     * steps). A silenced scheduler falls behind by one step each time; the others never do.
     */
    private static void passTime(java.util.function.BooleanSupplier done) {
        for (int step = 0; step < 20 && !done.getAsBoolean(); step++) {
            LIVENESS.advance(TIMEOUT.dividedBy(3));
            Instant now = LIVENESS.instant();
            await().atMost(Duration.ofSeconds(10)).until(() -> done.getAsBoolean() || state().schedulers().stream()
                    .filter(s -> !SILENCED.contains(s.tenantId()))
                    .allMatch(s -> s.lastHeartbeatAt() != null && !s.lastHeartbeatAt().isBefore(now)));
        }
        assertThat(done.getAsBoolean()).as("happened within 20 steps of the liveness clock").isTrue();
    }

    private static void changed(long tenantId) {
        bus.tenantChanged(new TenantChanged(tenantId, "test"));
    }

    /** Inserts an approved tenant, announces it and returns its scheduler's deployment id once it runs. */
    private static String approvedAndDeployed(long tenantId, String title) {
        db.insertTenant(tenantId, title, "approved", false);
        changed(tenantId);
        await().atMost(Duration.ofSeconds(2)).until(() -> scheduler(tenantId).isPresent());
        return scheduler(tenantId).orElseThrow().deploymentId();
    }

    @Test
    @DisplayName("tenants already approved when Storyline starts get their scheduler at start")
    void discoveryAtStart() {
        assertThat(scheduler(-1000L)).isPresent();
        assertThat(bus.schedulerStatus(-1000L).await().tenantId()).isEqualTo(-1000L);
    }

    @Test
    @DisplayName("inserting an approved tenant and publishing tenant.changed deploys its scheduler at once, not at the next discovery")
    void deployOnChange() {
        db.insertTenant(-1001L, "New team", "approved", false);

        changed(-1001L);
        // the periodic discovery is minutes away (DISCOVERY_INTERVAL): only the event can deploy it in time
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> scheduler(-1001L).isPresent());

        SchedulerStatus status = bus.schedulerStatus(-1001L).await();
        assertThat(status.tenantId()).isEqualTo(-1001L);
        assertThat(status.deploymentId()).isEqualTo(scheduler(-1001L).orElseThrow().deploymentId());
    }

    @Test
    @DisplayName("pending and declined tenants get no scheduler")
    void onlyApproved() {
        db.insertTenant(-1002L, "Waiting", "pending", false);
        db.insertTenant(-1003L, "Declined", "declined", false);
        changed(-1002L);
        changed(-1003L);
        approvedAndDeployed(-1004L, "Marker");

        // the approved one after them was deployed; the other two stay without a scheduler
        // tenant.changed is handled in order: once the marker runs, the two before it were decided
        assertThat(scheduler(-1002L)).isEmpty();
        assertThat(scheduler(-1003L)).isEmpty();
    }

    @Test
    @DisplayName("pausing a tenant undeploys its scheduler; resuming deploys it again")
    void pauseAndResume() {
        String running = approvedAndDeployed(-1005L, "Pausing");

        db.execute("UPDATE tenants SET is_paused = true WHERE id = -1005");
        changed(-1005L);
        await().atMost(Duration.ofSeconds(2)).until(() -> scheduler(-1005L).isEmpty());
        assertThat(app.vertx().deploymentIDs()).doesNotContain(running);

        db.execute("UPDATE tenants SET is_paused = false WHERE id = -1005");
        changed(-1005L);
        await().atMost(Duration.ofSeconds(2)).until(() -> scheduler(-1005L).isPresent());
    }

    @Test
    @DisplayName("a settings change redeploys the scheduler with the new settings as its config")
    void settingsChangeRedeploys() {
        String before = approvedAndDeployed(-1006L, "Tuning");

        db.execute("UPDATE tenants SET posts_per_day = 5, settings_version = settings_version + 1 WHERE id = -1006");
        changed(-1006L);

        await().atMost(Duration.ofSeconds(2)).until(() -> bus.schedulerStatus(-1006L).await().settingsVersion() == 2);
        assertThat(scheduler(-1006L).orElseThrow().deploymentId()).isNotEqualTo(before);
        assertThat(app.vertx().deploymentIDs()).doesNotContain(before);
    }

    @Test
    @DisplayName("a scheduler that stops beating is redeployed after the timeout, and the restart is counted in /admin/orchestrator and /metrics")
    void silentSchedulerRestarted() {
        String silentDeployment = approvedAndDeployed(-1007L, "Going quiet");
        await().atMost(Duration.ofSeconds(2)).until(() -> scheduler(-1007L).map(s -> s.lastHeartbeatAt() != null).orElse(false));

        SILENCED.add(-1007L);
        passTime(() -> scheduler(-1007L).map(s -> !s.deploymentId().equals(silentDeployment)).orElse(false));
        SILENCED.remove(-1007L);

        OrchestratorState.Scheduler restarted = scheduler(-1007L).orElseThrow();
        assertThat(restarted.restarts()).isEqualTo(1);
        assertThat(app.vertx().deploymentIDs()).doesNotContain(silentDeployment);
        // the new deployment beats again and is healthy
        await().atMost(Duration.ofSeconds(2)).until(() -> scheduler(-1007L).map(s -> s.lastHeartbeatAt() != null && s.healthy()).orElse(false));

        Http.Response admin = Http.get(app.httpPort(), "/admin/orchestrator", ADMIN_TOKEN);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.json().getLong("restartsTotal")).isGreaterThanOrEqualTo(1);
        assertThat(admin.json().getJsonArray("schedulers").stream()
                .map(o -> (io.vertx.core.json.JsonObject) o)
                .filter(s -> s.getLong("tenantId") == -1007L)
                .findFirst().orElseThrow().getInteger("restarts")).isEqualTo(1);

        String metrics = Http.get(app.httpPort(), "/metrics").body();
        assertThat(metrics).containsPattern("(?m)^storyline_scheduler_restarts_total(\\{[^}]*})? [1-9]");
    }

    @Test
    @DisplayName("a scheduler restarted 3 times within an hour raises one alert for the admin, however often it restarts after")
    void threeRestartsAlert() {
        approvedAndDeployed(-1009L, "Keeps stopping");
        await().atMost(Duration.ofSeconds(2)).until(() -> scheduler(-1009L).map(s -> s.lastHeartbeatAt() != null).orElse(false));
        SILENCED.add(-1009L);
        try {
            passTime(() -> scheduler(-1009L).map(s -> s.restarts() >= 2).orElse(false));
            assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_key = 'scheduler-restarts:-1009'")).as("not after 2").isZero();
            passTime(() -> scheduler(-1009L).map(s -> s.restarts() >= 3).orElse(false));
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM alerts "
                    + "WHERE alert_key = 'scheduler-restarts:-1009'") == 1);
            assertThat(db.column("SELECT message FROM alerts WHERE alert_key = 'scheduler-restarts:-1009'")).singleElement().asString()
                    .contains("was restarted 3 times in the last hour");
            passTime(() -> scheduler(-1009L).map(s -> s.restarts() >= 5).orElse(false));
            await().atMost(Duration.ofSeconds(5)).until(() -> db.count("SELECT coalesce(sum(suppressed), 0) FROM alerts "
                    + "WHERE alert_key = 'scheduler-restarts:-1009'") >= 1);
            assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_key = 'scheduler-restarts:-1009'")).as("once an hour").isEqualTo(1);
        } finally {
            SILENCED.remove(-1009L);
        }
    }

    @Test
    @DisplayName("issue 19: the summary /health asks for counts every scheduler and lists only the unhealthy ones; while one is "
            + "silent, /health names it")
    void summary() {
        approvedAndDeployed(-1012L, "Counted");
        await().atMost(Duration.ofSeconds(2)).until(() -> state().unhealthy().isEmpty());
        OrchestratorState full = state();
        OrchestratorState summary = bus.orchestratorSummary().await();
        assertThat(full.schedulers()).hasSize(full.deployed()).extracting(OrchestratorState.Scheduler::tenantId).contains(-1012L);
        assertThat(summary.deployed()).isEqualTo(full.deployed());
        assertThat(summary.schedulers()).isEmpty();
        assertThat(SchedulerHealthCheck.judge(summary).healthy()).isTrue();

        OrchestratorState.Scheduler one = full.schedulers().get(0);
        OrchestratorState silent = new OrchestratorState(null, 0, TIMEOUT, 0, full.deployed(), List.of(new OrchestratorState.Scheduler(
                one.tenantId(), one.deploymentId(), one.deployedAt(), one.lastHeartbeatAt(), null, 0, false)));
        dev.storyline.http.HealthCheck.Result down = SchedulerHealthCheck.judge(OrchestratorState.fromJson(silent.toJson()));
        assertThat(down.healthy()).isFalse();
        assertThat(down.detail()).isEqualTo("1 of " + full.deployed() + " schedulers silent past 30 s");
    }

    @Test
    @DisplayName("/admin/orchestrator counts every scheduler and lists them a page at a time in tenant id order; a bad limit is 400")
    void adminOrchestratorPaged() {
        approvedAndDeployed(-1020L, "Paged one");
        approvedAndDeployed(-1021L, "Paged two");
        JsonObject first = Http.get(app.httpPort(), "/admin/orchestrator?limit=1", ADMIN_TOKEN).json();
        int deployed = first.getInteger("deployed");
        assertThat(deployed).isGreaterThanOrEqualTo(3);
        assertThat(first.getInteger("count")).isEqualTo(1);
        assertThat(first.getJsonArray("schedulers")).hasSize(1);
        assertThat(first.getLong("next")).isEqualTo(first.getJsonArray("schedulers").getJsonObject(0).getLong("tenantId"));

        java.util.List<Long> seen = new java.util.ArrayList<>();
        Long after = null;
        do {
            JsonObject page = Http.get(app.httpPort(), "/admin/orchestrator?limit=2" + (after == null ? "" : "&after=" + after), ADMIN_TOKEN).json();
            page.getJsonArray("schedulers").forEach(s -> seen.add(((JsonObject) s).getLong("tenantId")));
            after = page.getLong("next");
        } while (after != null);
        assertThat(seen).hasSize(deployed).isSorted().doesNotHaveDuplicates().contains(-1021L, -1020L, -1000L);
        assertThat(Http.get(app.httpPort(), "/admin/orchestrator?limit=0", ADMIN_TOKEN).status()).isEqualTo(400);
    }

    @Test
    @DisplayName("/admin/tenants lists every tenant with its state and, when it runs, its scheduler")
    void adminTenants() {
        Http.Response response = Http.get(app.httpPort(), "/admin/tenants", ADMIN_TOKEN);

        assertThat(response.status()).isEqualTo(200);
        io.vertx.core.json.JsonObject first = response.json().getJsonArray("tenants").stream()
                .map(o -> (io.vertx.core.json.JsonObject) o)
                .filter(t -> t.getLong("id") == -1000L).findFirst().orElseThrow();
        assertThat(first.getString("state")).isEqualTo("approved");
        assertThat(first.getBoolean("active")).isTrue();
        assertThat(first.getJsonObject("scheduler").getString("deploymentId")).isNotBlank();
    }
}
