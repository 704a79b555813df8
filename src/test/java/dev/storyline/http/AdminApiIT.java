package dev.storyline.http;

import dev.storyline.config.AppConfig.HttpConfig;
import dev.storyline.config.Secret;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestImages;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every admin route with a good and a bad request through the running application (issue 7), and
 * the OpenAPI document in step with the router.
 */
class AdminApiIT {
    private static final String TOKEN = "admin-api-it-token";
    @TempDir
    static Path dataDir;
    private static BotHarness bot;
    private static int port;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("ADMIN_TOKEN", TOKEN));
        port = bot.app().httpPort();
        TestImages.write(dataDir.resolve("media/-9101/a.jpg"), "jpg", 1080, 1920, Color.RED);
        TestImages.write(dataDir.resolve("media/-9101/b.jpg"), "jpg", 1080, 1920, Color.GREEN);
        bot.db.insertTenant(-9101, "API team", "approved", false);
        bot.db.insertTenant(-9102, "Waiting team", "pending", false);
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    private static Http.Response get(String path) {
        return Http.get(port, path, TOKEN);
    }

    private static Http.Response post(String path, String body) {
        return Http.post(port, path, TOKEN, body);
    }

    private static void assertError(Http.Response response, int status, String code, String fragment) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().getString("error")).isEqualTo(code);
        assertThat(response.json().getString("message")).contains(fragment);
    }

    @Test
    @DisplayName("tenants come a page at a time in chat id order, next leads to the following page; a bad limit or cursor is 400")
    void tenantsPaged() {
        for (int i = 1; i <= 3; i++) {
            bot.db.insertTenant(-9200 - i, "Paged team " + i, "pending", false);
        }
        JsonObject first = get("/admin/tenants?limit=2").json();
        long total = first.getLong("total");
        assertThat(total).isGreaterThanOrEqualTo(5);
        assertThat(first.getInteger("count")).isEqualTo(2);
        assertThat(first.getJsonArray("tenants").stream().map(t -> ((JsonObject) t).getLong("id")).toList())
                .containsExactly(-9203L, -9202L);
        assertThat(first.getLong("next")).isEqualTo(-9202L);

        java.util.List<Long> seen = new java.util.ArrayList<>();
        Long after = null;
        do {
            JsonObject page = get("/admin/tenants?limit=2" + (after == null ? "" : "&after=" + after)).json();
            page.getJsonArray("tenants").forEach(t -> seen.add(((JsonObject) t).getLong("id")));
            assertThat(page.getLong("total")).isEqualTo(total);
            after = page.getLong("next");
        } while (after != null);
        assertThat(seen).hasSize((int) total).isSorted().doesNotHaveDuplicates().contains(-9101L, -9102L, -9201L);

        JsonObject last = get("/admin/tenants?after=-9202").json();
        assertThat(last.getJsonArray("tenants").stream().map(t -> ((JsonObject) t).getLong("id")).toList()).startsWith(-9201L);
        assertError(get("/admin/tenants?limit=0"), 400, "invalid_input", "limit");
        assertError(get("/admin/tenants?limit=501"), 400, "invalid_input", "limit");
        assertError(get("/admin/tenants?after=abc"), 400, "invalid_input", "after");
    }

    @Test
    @DisplayName("tenants, one tenant, approve and settings: good requests answer, bad ones name the field and change nothing")
    void tenants() {
        assertThat(get("/admin/tenants").json().getJsonArray("tenants").encode()).contains("API team").contains("Waiting team");
        assertError(Http.get(port, "/admin/tenants", "wrong"), 401, "unauthorized", "Bearer");

        assertThat(get("/admin/tenants/-9101").json().getString("title")).isEqualTo("API team");
        assertError(get("/admin/tenants/abc"), 400, "invalid_input", "chatId");
        assertError(get("/admin/tenants/-9999"), 404, "tenant_not_found", "-9999");

        assertThat(post("/admin/tenants/-9102/approve", null).json().getString("state")).isEqualTo("approved");
        bot.awaitMessage(-9102, t -> t.contains("Storyline is active here now"));
        assertError(post("/admin/tenants/-9102/approve", null), 409, "conflict", "approved already");

        Http.Response changed = Http.send(port, "PATCH", "/admin/tenants/-9101/settings", TOKEN,
                "{\"postsPerDay\": 4, \"hours\": \"8-20\", \"timezone\": \"Europe/Berlin\", \"dryRun\": true}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().getInteger("postsPerDay")).isEqualTo(4);
        assertThat(bot.db.column("SELECT source FROM tenant_settings_history WHERE tenant_id = -9101")).contains("admin_api");
        // the same change from outside the chat is told to the chat, like a pause
        bot.awaitMessage(-9101, t -> t.startsWith("⚙️ The Storyline admin changed this chat's settings: posts per day")
                && t.contains("dry run off → on"));
        // the category mix (D27) is a setting like the others: kept in its history, told to the chat
        Http.Response mix = Http.send(port, "PATCH", "/admin/tenants/-9101/settings", TOKEN, "{\"categoryMix\": {\"memes\": 70, \"merch\": 30}}");
        assertThat(mix.status()).as(mix.body()).isEqualTo(200);
        assertThat(bot.db.column("SELECT category || ' ' || percent || ' ' || source FROM category_mix WHERE tenant_id = -9101 AND is_current "
                + "ORDER BY category")).containsExactly("memes 70 admin_api", "merch 30 admin_api");
        bot.awaitMessage(-9101, t -> t.contains("category mix no mix (even variety) → memes 70 %, merch 30 %"));
        // the tenant view shows how long each category lasts (D28): no images yet, so both are critical
        io.vertx.core.json.JsonArray runway = get("/admin/tenants/-9101").json().getJsonArray("runway");
        assertThat(runway.stream().map(o -> ((JsonObject) o).getString("text") + " " + ((JsonObject) o).getString("level")))
                .containsExactly("memes: less than a day left critical", "merch: less than a day left critical");
        assertThat(runway.getJsonObject(0).getDouble("daysLeft")).isZero();
        assertError(Http.send(port, "PATCH", "/admin/tenants/-9101/settings", TOKEN, "{\"categoryMix\": {\"memes\": 70}}"), 400,
                "invalid_input", "categoryMix: the percents add up to 70");
        assertThat(bot.db.count("SELECT count(*) FROM category_mix WHERE tenant_id = -9101 AND is_current")).isEqualTo(2);
        Http.Response bad = Http.send(port, "PATCH", "/admin/tenants/-9101/settings", TOKEN,
                "{\"postsPerDay\": 99, \"hours\": \"late\", \"timezone\": \"Mars/Base\", \"colour\": \"red\"}");
        assertError(bad, 400, "invalid_input", "postsPerDay");
        assertThat(bad.json().getString("message")).contains("hours").contains("timezone").contains("colour: unknown setting");
        assertThat(bot.db.column("SELECT posts_per_day || ' ' || timezone FROM tenants WHERE id = -9101")).containsExactly("4 Europe/Berlin");
        assertError(Http.send(port, "PATCH", "/admin/tenants/-9101/settings", TOKEN, "[1]"), 400, "invalid_input", "JSON object");
        Http.send(port, "PATCH", "/admin/tenants/-9101/settings", TOKEN, "{\"dryRun\": false}");
    }

    @Test
    @DisplayName("pause, resume, plan, media index, next, queue, history, orchestrator, alerts, instagram: good and bad")
    void operations() {
        assertThat(post("/admin/tenants/-9101/media/index", null).json().getInteger("added")).isEqualTo(2);
        assertError(post("/admin/tenants/-9101/media/index", "{\"dir\": 5}"), 400, "invalid_input", "dir");

        assertThat(post("/admin/tenants/-9101/pause", null).json().getBoolean("paused")).isTrue();
        assertError(post("/admin/tenants/-9101/next", null), 409, "conflict", "paused");
        bot.db.insertTenant(-9104, "Still waiting team", "pending", false);
        assertError(post("/admin/tenants/-9104/next", null), 409, "conflict", "pending");
        assertError(post("/admin/tenants/-9999/pause", null), 404, "tenant_not_found", "-9999");
        assertThat(post("/admin/tenants/-9101/resume", null).json().getBoolean("paused")).isFalse();
        assertError(post("/admin/tenants/x/resume", null), 400, "invalid_input", "chatId");

        await().atMost(Duration.ofSeconds(10)).until(() -> post("/admin/tenants/-9101/plan?days=2", null).status() == 200);
        assertError(post("/admin/tenants/-9101/plan?days=0", null), 400, "invalid_input", "days");

        assertThat(get("/admin/tenants/-9101/queue?limit=5").json().getJsonArray("queue")).isNotEmpty();
        assertError(get("/admin/tenants/-9101/queue?limit=0"), 400, "invalid_input", "limit");

        Http.Response next = post("/admin/tenants/-9101/next", null);
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.json().getString("outcome")).isEqualTo("notified");
        assertError(post("/admin/tenants/-9999/next", null), 404, "tenant_not_found", "-9999");
        assertThat(Http.get(port, "/metrics").body()).contains("storyline_notifications_sent_total 1.0");

        assertThat(get("/admin/tenants/-9101/history?limit=5").json().getJsonArray("history")).isNotNull();

        long item = (Long) bot.db.column("SELECT id FROM media_items WHERE tenant_id = -9101 ORDER BY id LIMIT 1").get(0);
        bot.db.execute("INSERT INTO media_locks (tenant_id, media_item_id, reason, locked_until) VALUES (-9101, ?, 'rejected', 'infinity')",
                item);
        assertThat(get("/admin/tenants/-9101/locks").json().getJsonArray("locks").encode()).contains("\"mediaItemId\":" + item)
                .contains("\"reason\":\"rejected\"").contains("\"lockedUntil\":\"forever\"");
        Http.Response lifted = Http.send(port, "DELETE", "/admin/tenants/-9101/locks/" + item, TOKEN, null);
        assertThat(lifted.status()).as(lifted.body()).isEqualTo(200);
        assertThat(lifted.json().getJsonArray("removed").encode()).contains("rejected");
        assertError(Http.send(port, "DELETE", "/admin/tenants/-9101/locks/" + item, TOKEN, null), 404, "not_found", "not locked");
        assertError(Http.send(port, "DELETE", "/admin/tenants/-9101/locks/abc", TOKEN, null), 400, "invalid_input", "itemId");
        bot.db.execute("INSERT INTO users (id, username, first_name, is_active) VALUES (9301, 'gone', 'Gone', false) ON CONFLICT DO NOTHING");
        Http.Response reactivated = post("/admin/users/@gone/reactivate", null);
        assertThat(reactivated.status()).as(reactivated.body()).isEqualTo(200);
        assertThat(bot.db.column("SELECT is_active FROM users WHERE id = 9301")).containsExactly(true);
        assertError(post("/admin/users/@nobody/reactivate", null), 404, "not_found", "Unknown user");
        assertThat(bot.db.column("SELECT trigger FROM service_runs WHERE service = 'users.reactivate'")).contains("admin_api");
        assertError(get("/admin/tenants/-9101/history?limit=abc"), 400, "invalid_input", "limit");

        assertThat(get("/admin/orchestrator").json().getJsonArray("schedulers")).isNotNull();
        assertError(Http.get(port, "/admin/orchestrator", null), 401, "unauthorized", "Bearer");

        assertThat(get("/admin/alerts").json().getJsonArray("alerts")).isNotNull();
        assertError(get("/admin/alerts?limit=9999"), 400, "invalid_input", "limit");

        assertThat(get("/admin/tenants/-9101/instagram").json().getBoolean("connected")).isFalse();
        assertError(get("/admin/tenants/x/instagram"), 400, "invalid_input", "chatId");
        assertError(Http.send(port, "DELETE", "/admin/tenants/x/instagram", TOKEN, null), 400, "invalid_input", "chatId");
        // checked against openapi.json, which names every missing field at once
        Http.Response missing = post("/admin/tenants/-9101/instagram", "{}");
        assertError(missing, 400, "invalid_input", "accountId");
        assertThat(missing.json().getString("message")).contains("token");
        assertError(post("/admin/tenants/-9101/instagram", "{\"accountId\": \"1784\", \"token\": \"\"}"), 400, "invalid_input", "token");
        assertError(post("/admin/tenants/-9101/instagram", "{\"accountId\": true, \"token\": \"t\"}"), 400, "invalid_input", "accountId");
        assertThat(Http.send(port, "DELETE", "/admin/tenants/-9101/instagram", TOKEN, null).json().getBoolean("disconnected")).isFalse();
        assertError(post("/admin/tenants/-9101/instagram/refresh", null), 422, "instagram_not_connected", "FACEBOOK_APP_ID");

        assertError(post("/admin/tenants/-9101/media/index", "{\"dir\": \"" + "x".repeat(70_000) + "\"}"), 413, "payload_too_large", "larger");
    }

    @Test
    @DisplayName("GET /admin/openapi.json describes exactly the routes the router has")
    void openApi() {
        Http.Response doc = get("/admin/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        JsonObject paths = doc.json().getJsonObject("paths");
        List<String> routes = new ArrayList<>();
        for (Route route : new AdminApi(bot.app().vertx(), new HttpConfig("127.0.0.1", 0, Secret.of(TOKEN)), () -> null, (t, a, s) -> null,
                OpenApiRequests.load(bot.app().vertx()).await()).router().getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue; // the authentication and body handlers
            }
            for (HttpMethod method : route.methods()) {
                routes.add(method.name().toLowerCase(Locale.ROOT) + " /admin" + route.getPath().replaceAll(":(\\w+)", "{$1}"));
            }
        }
        assertThat(routes).hasSizeGreaterThan(15);
        List<String> documented = new ArrayList<>();
        paths.forEach(path -> ((JsonObject) path.getValue()).fieldNames().forEach(method -> documented.add(method + " " + path.getKey())));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(routes);
        assertThat(Http.get(port, "/admin/openapi.json", null).status()).isEqualTo(401);
    }
}
