package dev.storyline.cli;

import dev.storyline.app.Application;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.TenantChanged;
import dev.storyline.run.Trigger;
import dev.storyline.testing.Http;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The plan from the outside: admin routes and CLI commands beside a running server. */
class PlanOperationsIT {
    private static final String TOKEN = "plan-admin-token";
    @TempDir
    static Path dataDir;
    private static TestDatabase db;
    private static Application app;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        app = Application.start(TestConfig.parse(TestConfig.keys(db, dataDir).put("ADMIN_TOKEN", TOKEN)), Clock.systemUTC());
        EventBusClient bus = new EventBusClient(app.vertx(), Duration.ofSeconds(30));
        for (long id : new long[] {-7001, -7002}) {
            for (int i = 0; i < 3; i++) {
                // -7002 keeps its images by category (D27): top-level folders
                String folder = id == -7002 ? (i == 1 ? "merch/" : "memes/") : "";
                TestImages.write(dataDir.resolve("media/" + id + "/" + folder + "p" + i + ".jpg"), "jpg", 1080, 1920,
                        new Color(10, 40 * i, (int) -id % 250));
            }
            db.insertTenant(id, "Ops team " + id, "approved", false);
            bus.indexMedia(new MediaIndexRequest(id, null, Trigger.CLI, null)).await();
            bus.tenantChanged(new TenantChanged(id, "test"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -7002") > 0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static CliRun cli(String... args) {
        return CliRun.against(db, dataDir, args);
    }

    @Test
    @DisplayName("admin: plan, queue, history and next answer through the bus; bad input gets 400 with the field")
    void adminRoutes() {
        int port = app.httpPort();
        Http.Response plan = Http.post(port, "/admin/tenants/-7001/plan?days=3", TOKEN, null);
        assertThat(plan.status()).isEqualTo(200);
        assertThat(plan.json().getInteger("added")).isZero();
        assertThat(plan.json().containsKey("until")).isTrue();

        Http.Response queue = Http.get(port, "/admin/tenants/-7001/queue?limit=5", TOKEN);
        assertThat(queue.status()).isEqualTo(200);
        assertThat(queue.json().getJsonArray("queue")).hasSize(5);
        Http.Response categorized = Http.get(port, "/admin/tenants/-7002/queue?limit=20", TOKEN);
        assertThat(categorized.json().getJsonArray("queue").stream().map(o -> ((io.vertx.core.json.JsonObject) o).getString("category"))
                .filter(java.util.Objects::nonNull).toList()).as("each slot's category").isNotEmpty().allMatch(c -> c.equals("memes") || c.equals("merch"));

        Http.Response next = Http.post(port, "/admin/tenants/-7001/next", TOKEN, null);
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.json().getString("outcome")).isIn("notified", "retry", "failed");
        Http.Response history = Http.get(port, "/admin/tenants/-7001/history", TOKEN);
        assertThat(history.status()).isEqualTo(200);

        assertThat(Http.post(port, "/admin/tenants/-7001/plan?days=0", TOKEN, null).json().getString("message")).contains("days");
        assertThat(Http.post(port, "/admin/tenants/-7001/plan?days=x", TOKEN, null).status()).isEqualTo(400);
        assertThat(Http.get(port, "/admin/tenants/-7001/queue?limit=0", TOKEN).status()).isEqualTo(400);
        assertThat(Http.get(port, "/admin/tenants/abc/history", TOKEN).status()).isEqualTo(400);
        assertThat(Http.get(port, "/admin/tenants/-7999/queue", TOKEN).json().getString("error")).isEqualTo("tenant_not_found");
        assertThat(Http.post(port, "/admin/tenants/-7999/plan", TOKEN, null).status()).isEqualTo(503);
        assertThat(Http.post(port, "/admin/tenants/-7001/next", null, null).status()).isEqualTo(401);

        Http.Response pause = Http.post(port, "/admin/tenants/-7001/pause", TOKEN, null);
        assertThat(pause.status()).as(pause.body()).isEqualTo(200);
        assertThat(pause.json().getBoolean("paused")).isTrue();
        EventBusClient bus = new EventBusClient(app.vertx());
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.orchestratorState().await().schedulers().stream()
                .noneMatch(s -> s.tenantId() == -7001));
        assertThat(db.column("SELECT source FROM tenant_settings_history WHERE tenant_id = -7001 AND setting = 'is_paused'"))
                .containsExactly("admin_api");
        assertThat(Http.post(port, "/admin/tenants/-7001/resume", TOKEN, null).json().getBoolean("paused")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.orchestratorState().await().schedulers().stream()
                .anyMatch(s -> s.tenantId() == -7001));
        assertThat(Http.post(port, "/admin/tenants/-7999/pause", TOKEN, null).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("CLI: plan top-off is idempotent, queue list and history print tables, bad input is refused")
    void cliCommands() {
        CliRun topOff = cli("plan", "top-off", "--tenant", "-7002", "--days", "7");
        assertThat(topOff.exit()).as(topOff.err()).isZero();
        assertThat(topOff.out()).contains("NEW").containsPattern("-7002 +Ops team -7002 +0 ");

        CliRun longer = cli("plan", "top-off", "--tenant", "-7002", "--days", "10");
        assertThat(longer.out()).containsPattern("-7002 +Ops team -7002 +\\d+ ");
        assertThat(cli("plan", "top-off", "--tenant", "-7002", "--days", "10").out()).containsPattern("-7002 +Ops team -7002 +0 ");

        CliRun list = cli("queue", "list", "--tenant", "-7002", "--limit", "4");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("SLOT").contains("CATEGORY").contains("telegram").containsPattern("memes|merch");
        assertThat(list.out().lines().filter(l -> l.startsWith("-7002"))).hasSize(4);

        CliRun history = cli("history", "--tenant", "-7002");
        assertThat(history.exit()).isZero();

        assertThat(cli("plan", "top-off", "--days", "0").exit()).isEqualTo(2);
        assertThat(cli("queue", "list", "--tenant", "-7999").err()).contains("Unknown tenant -7999");
        assertThat(cli("plan").exit()).isEqualTo(2);
    }

    @Test
    @DisplayName("CLI: mix set keeps a Type-2 history (the old rows closed, the new ones current), audits it, and refuses a bad mix")
    void mixHistory() {
        db.insertTenant(-7003, "Mix team", "approved", false); // its own tenant: a mix change re-plans, and the other tests plan -7002
        long version = db.count("SELECT settings_version FROM tenants WHERE id = -7003");
        CliRun first = cli("mix", "set", "--tenant", "-7003", "memes 70, merch 30");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("is now memes 70 %, merch 30 %");
        assertThat(cli("mix", "set", "--tenant", "-7003", "memes 70, merch 30").out()).contains("already; nothing changed");
        CliRun second = cli("mix", "set", "--tenant", "-7003", "memes 50; merch 50");
        assertThat(second.exit()).as(second.err()).isZero();

        assertThat(db.column("SELECT category || ' ' || percent FROM category_mix WHERE tenant_id = -7003 AND is_current ORDER BY category"))
                .containsExactly("memes 50", "merch 50");
        assertThat(db.column("SELECT category || ' ' || percent || ' ' || (valid_to IS NOT NULL) FROM category_mix "
                + "WHERE tenant_id = -7003 AND NOT is_current ORDER BY category")).containsExactly("memes 70 true", "merch 30 true");
        assertThat(db.count("SELECT count(*) FROM category_mix WHERE tenant_id = -7003 AND NOT is_current "
                + "AND valid_to <> (SELECT min(valid_from) FROM category_mix WHERE tenant_id = -7003 AND is_current)"))
                .as("the old rows end when the new ones begin").isZero();
        assertThat(db.column("SELECT new_value || ' by ' || source FROM tenant_settings_history WHERE tenant_id = -7003 "
                + "AND setting = 'category_mix' ORDER BY id")).containsExactly("memes 70 %, merch 30 % by cli", "memes 50 %, merch 50 % by cli");
        assertThat(db.count("SELECT settings_version FROM tenants WHERE id = -7003")).as("the scheduler plans again").isEqualTo(version + 2);
        assertThat(db.column("SELECT params->>'text' FROM outbox_messages WHERE chat_id = -7003 ORDER BY id")).as("the chat is told")
                .anySatisfy(t -> assertThat(String.valueOf(t)).contains("category mix memes 70 %, merch 30 % → memes 50 %, merch 50 %"));

        CliRun show = cli("mix", "show", "--tenant", "-7003");
        assertThat(show.out()).contains("Mix: memes 50 %, merch 50 %").contains("CATEGORY").contains("now").contains("cli");

        CliRun bad = cli("mix", "set", "--tenant", "-7003", "memes 70, merch 20");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("add up to 90");
        assertThat(db.count("SELECT count(*) FROM category_mix WHERE tenant_id = -7003 AND is_current")).isEqualTo(2);
        assertThat(cli("mix", "show", "--tenant", "-7999").err()).contains("Unknown tenant -7999");
        assertThat(cli("mix", "set", "--tenant", "-7003", "none").out()).contains("is now no mix (even variety)");
        assertThat(db.count("SELECT count(*) FROM category_mix WHERE tenant_id = -7003 AND is_current")).isZero();
    }
}
