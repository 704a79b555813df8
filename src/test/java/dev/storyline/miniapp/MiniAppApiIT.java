package dev.storyline.miniapp;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Mini App's API (D30) through the running application: who is let in (Telegram's signed
 * initData, a browser session from a one-time link), who sees which team (403 for every route of a
 * team one is not in), who may change what (the chat's rights and wording), and that every change is
 * the chat's own: recorded with source {@code app}, announced, told in the chat.
 */
class MiniAppApiIT {
    static final long TEAM = -9301;
    static final long OTHER = -9302;
    static final FakeTelegram.Person STRANGER = new FakeTelegram.Person(777, "Sam", "sam");
    @TempDir
    static Path dataDir;
    static BotHarness bot;
    static int port;
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("PUBLIC_BASE_URL", "http://127.0.0.1:8080"));
        port = bot.app().httpPort();
        for (int i = 0; i < 4; i++) {
            TestImages.write(dataDir.resolve("media/" + TEAM + "/memes/m" + i + ".jpg"), "jpg", 1080, 1920, new Color(40 * i, 90, 150));
            TestImages.write(dataDir.resolve("media/" + TEAM + "/merch/x" + i + ".jpg"), "jpg", 1080, 1920, new Color(200, 40 * i, 60));
        }
        TestImages.write(dataDir.resolve("media/" + OTHER + "/o.jpg"), "jpg", 1080, 1920, Color.ORANGE);
        JsonObject team = bot.approvedGroup(TEAM, "App team");
        JsonObject other = bot.approvedGroup(OTHER, "Other team");
        // the people are seen in their chats: that is the membership the app starts from
        bot.fake.userSends(team, MEMBER, "hello");
        bot.fake.userSends(team, ADMIN_OF_GROUP, "hello");
        bot.fake.userSends(other, STRANGER, "hello");
        EventBusClient bus = new EventBusClient(bot.app().vertx());
        for (long id : new long[] {TEAM, OTHER}) {
            bus.indexMedia(new MediaIndexRequest(id, null, Trigger.CLI, null)).await();
            bus.plan(id, null, Trigger.CLI).await();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(bot.db.column("SELECT tenant_id || ':' || user_id FROM tenant_members")).contains(TEAM + ":" + MEMBER.id(),
                    TEAM + ":" + ADMIN_OF_GROUP.id(), OTHER + ":" + STRANGER.id());
            assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ? AND media_item_id IS NOT NULL", TEAM))
                    .isGreaterThanOrEqualTo(5);
        });
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    static String initData(FakeTelegram.Person who, Instant signedAt) {
        return InitData.sign(Map.of("query_id", "AAH" + who.id(), "auth_date", Long.toString(signedAt.getEpochSecond()),
                "user", new JsonObject().put("id", who.id()).put("first_name", who.firstName()).put("username", who.username()).encode()),
                TestConfig.TOKEN);
    }

    static Reply call(String method, String path, String authorization, String body) {
        return call(port, method, path, authorization, body);
    }

    static Reply call(int port, String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header(authorization.startsWith("storyline_session=") ? "Cookie" : "Authorization", authorization);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        }
    }

    static Reply as(FakeTelegram.Person who, String method, String path, String body) {
        return call(method, path, "tma " + initData(who, bot.clock.instant()), body);
    }

    static void refused(Reply reply, int status, String code, String fragment) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.json().getString("error")).isEqualTo(code);
        assertThat(reply.json().getString("message")).contains(fragment);
    }

    @Test
    @DisplayName("no sign-in, a forged one and an expired one get 401 with the reason; a signed one gets the person's teams and roles")
    void signIn() {
        refused(call("GET", "/app/api/me", null, null), 401, "unauthorized", "open the planner from the chat");
        String good = initData(MEMBER, bot.clock.instant());
        refused(call("GET", "/app/api/me", "tma " + good.replace("first_name%22%3A%22Max", "first_name%22%3A%22Eve"), null),
                401, "unauthorized", "not signed by this bot");
        refused(call("GET", "/app/api/me", "tma " + InitData.sign(Map.of("auth_date", "1700000000",
                "user", "{\"id\":502}"), "999:another-bot"), null), 401, "unauthorized", "not signed by this bot");
        refused(call("GET", "/app/api/me", "tma " + initData(MEMBER, bot.clock.instant().minus(Duration.ofHours(25))), null),
                401, "unauthorized", "expired");
        refused(call("GET", "/app/api/me", "Bearer whatever", null), 401, "unauthorized", "sign in");

        JsonObject me = as(MEMBER, "GET", "/app/api/me", null).json();
        assertThat(me.getJsonArray("tenants")).hasSize(1);
        assertThat(me.getJsonArray("tenants").getJsonObject(0).getMap()).containsEntry("title", "App team").containsEntry("role", "member");
        JsonObject admin = as(ADMIN_OF_GROUP, "GET", "/app/api/me", null).json();
        assertThat(admin.getJsonArray("tenants").getJsonObject(0).getMap()).containsEntry("role", "admin");
        assertThat(admin.getJsonArray("tenants").getJsonObject(0).getLong("chatId")).isEqualTo(TEAM);
        assertThat(as(STRANGER, "GET", "/app/api/me", null).json().getJsonArray("tenants").getJsonObject(0).getLong("chatId")).isEqualTo(OTHER);
        assertThat(as(new FakeTelegram.Person(4242, "Nobody", null), "GET", "/app/api/me", null).json().getJsonArray("tenants")).isEmpty();
    }

    @Test
    @DisplayName("a member of one team gets 403 on every route of another; a bad chat id is 400")
    void otherTeams() {
        String base = "/app/api/tenants/" + OTHER;
        List<String[]> routes = List.of(new String[] {"GET", base + "/plan", null}, new String[] {"POST", base + "/plan", null},
                new String[] {"GET", base + "/candidates", null}, new String[] {"PATCH", base + "/slots/1", "{\"at\":\"2030-01-01T10:00\"}"},
                new String[] {"PATCH", base + "/slots/1", "{\"mediaItemId\":1}"}, new String[] {"DELETE", base + "/slots/1", null},
                new String[] {"GET", base + "/library", null}, new String[] {"POST", base + "/library/1/unlock", null},
                new String[] {"GET", base + "/history", null}, new String[] {"GET", base + "/stats", null},
                new String[] {"GET", base + "/settings", null}, new String[] {"PATCH", base + "/settings", "{\"postsPerDay\":3}"});
        for (String[] route : routes) {
            refused(as(MEMBER, route[0], route[1], route[2]), 403, "forbidden", "not a member of this team");
        }
        refused(as(MEMBER, "GET", "/app/api/tenants/-9999/plan", null), 403, "forbidden", "not a member");
        refused(as(MEMBER, "GET", "/app/api/tenants/abc/plan", null), 400, "invalid_input", "chatId");
        assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE tenant_id = ? AND source = 'app'", OTHER)).isZero();
    }

    @Test
    @DisplayName("a person who left the chat is refused although the bot once saw them there")
    void leftTheChat() {
        FakeTelegram.Person leaver = new FakeTelegram.Person(888, "Lea", "lea");
        bot.fake.userSends(FakeTelegram.group(TEAM, "App team"), leaver, "bye");
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM tenant_members WHERE user_id = 888") == 1);
        bot.fake.setLeft(TEAM, leaver.id());
        refused(as(leaver, "GET", "/app/api/tenants/" + TEAM + "/plan", null), 403, "forbidden", "not a member");
        assertThat(as(leaver, "GET", "/app/api/me", null).json().getJsonArray("tenants")).isEmpty();
    }

    @Test
    @DisplayName("the plan lists the week's slots with time, category, title, route and a thumbnail that is a small JPEG")
    void plan() throws Exception {
        JsonObject plan = as(MEMBER, "GET", "/app/api/tenants/" + TEAM + "/plan", null).json();
        assertThat(plan.getString("role")).isEqualTo("member");
        assertThat(plan.getJsonObject("tenant").getString("timezone")).isNotBlank();
        JsonArray slots = plan.getJsonArray("slots");
        assertThat(slots).isNotEmpty();
        JsonObject first = slots.getJsonObject(0);
        assertThat(first.getMap()).containsKeys("id", "scheduledFor", "category", "title", "route", "thumb", "state");
        assertThat(first.getString("category")).isIn("memes", "merch");
        assertThat(first.getString("route")).isEqualTo("telegram");
        String thumb = first.getString("thumb");
        HttpResponse<byte[]> image = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + thumb)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(image.headers().firstValue("Cache-Control").orElse("")).contains("max-age");
        java.awt.image.BufferedImage read = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(image.body()));
        assertThat(read.getWidth()).isEqualTo(Thumbnails.WIDTH);
        assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + thumb.replace("sig=", "sig=x"))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
        assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + thumb.replace("/" + TEAM + "/", "/" + OTHER + "/")))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).as("a link is for one team's item").isEqualTo(403);
    }

    @Test
    @DisplayName("settings: a member is refused in the chat's words; an admin's change is checked like the chat's, recorded as the app's and told in the chat")
    void settings() {
        String path = "/app/api/tenants/" + TEAM + "/settings";
        refused(as(MEMBER, "PATCH", path, "{\"postsPerDay\": 3}"), 403, "forbidden", "Only chat administrators can change settings.");
        refused(as(ADMIN_OF_GROUP, "PATCH", path, "{\"postsPerDay\": 99}"), 400, "invalid_input", "posts per day must be 1–50");
        refused(as(ADMIN_OF_GROUP, "PATCH", path, "{\"paused\": \"yes\"}"), 400, "invalid_input", "paused must be true or false");
        refused(as(ADMIN_OF_GROUP, "PATCH", path, "not json"), 400, "invalid_input", "JSON object");
        assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE tenant_id = ? AND source = 'app'", TEAM)).isZero();

        Reply ok = as(ADMIN_OF_GROUP, "PATCH", path, "{\"postsPerDay\": 4, \"categoryMix\": {\"memes\": 70, \"merch\": 30}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().getJsonObject("tenant").getInteger("postsPerDay")).isEqualTo(4);
        assertThat(ok.json().getJsonObject("categoryMix").getMap()).containsEntry("memes", 70);
        assertThat(bot.db.column("SELECT setting || ' ' || new_value || ' ' || changed_by FROM tenant_settings_history "
                + "WHERE tenant_id = ? AND source = 'app'", TEAM)).contains("posts_per_day 4 " + ADMIN_OF_GROUP.id());
        assertThat(bot.db.count("SELECT count(*) FROM category_mix WHERE tenant_id = ? AND source = 'app' AND is_current", TEAM)).isEqualTo(2);
        bot.awaitMessage(TEAM, t -> t.contains("4") && t.contains("category mix"));
        Reply paused = as(ADMIN_OF_GROUP, "PATCH", path, "{\"paused\": true}");
        assertThat(paused.json().getJsonObject("tenant").getBoolean("paused")).as(paused.body()).isTrue();
        assertThat(bot.db.count("SELECT count(*) FROM tenant_settings_history WHERE tenant_id = ? AND source = 'app' AND setting LIKE '%paus%'",
                TEAM)).isEqualTo(1);
        assertThat(as(ADMIN_OF_GROUP, "PATCH", path, "{\"paused\": false}").json().getJsonObject("tenant").getBoolean("paused")).isFalse();
        JsonObject read = as(MEMBER, "GET", path, null).json();
        assertThat(read.getString("role")).isEqualTo("member");
        assertThat(read.getJsonArray("categories").getList()).containsExactly("memes", "merch");
    }

    @Test
    @DisplayName("slots: move inside the window, not outside or into the past; swap to an eligible image; skip; a slot that moved on answers 409")
    void slots() {
        String base = "/app/api/tenants/" + TEAM;
        JsonObject plan = as(ADMIN_OF_GROUP, "GET", base + "/plan", null).json();
        ZoneId zone = ZoneId.of(plan.getJsonObject("tenant").getString("timezone"));
        int start = plan.getJsonObject("tenant").getInteger("hoursStart");
        JsonArray slots = plan.getJsonArray("slots");
        long slot = slots.stream().map(JsonObject.class::cast).filter(s -> s.getLong("mediaId") != null && s.getBoolean("movable"))
                .reduce((a, b) -> b).orElseThrow().getLong("id");
        java.time.LocalDate day = java.time.LocalDate.ofInstant(bot.clock.instant(), zone).plusDays(3);
        String inside = day + "T" + String.format("%02d", start) + ":05";

        refused(as(MEMBER, "PATCH", base + "/slots/" + slot, "{\"at\": \"" + inside + "\"}"), 403, "forbidden", "Only the chat's administrators");
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"at\": \"tomorrow\"}"), 400, "invalid_input", "2026-12-05T14:30");
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"at\": \"2020-01-01T10:00\"}"), 400, "invalid_input", "still to come");
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"at\": \"" + day + "T" + String.format("%02d", (start + 23) % 24) + ":30\"}"),
                400, "invalid_input", "outside the posting hours");
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"at\": \"" + inside + "\", \"mediaItemId\": 1}"), 400, "invalid_input", "either");

        Reply moved = as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"at\": \"" + inside + "\"}");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        Instant expected = java.time.LocalDateTime.parse(inside).atZone(zone).toInstant();
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ? AND moved_by = ? AND scheduled_for = ?", slot,
                ADMIN_OF_GROUP.id(), OffsetDateTime.ofInstant(expected, ZoneOffset.UTC))).isEqualTo(1);
        // a later top-off leaves the moved slot where the person put it
        assertThat(as(ADMIN_OF_GROUP, "POST", base + "/plan", null).status()).isEqualTo(200);
        assertThat(bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ? AND scheduled_for = ?", slot,
                OffsetDateTime.ofInstant(expected, ZoneOffset.UTC))).isEqualTo(1);

        // one image set free (its slot emptied) is a candidate for the swap
        Object freed = bot.db.column("SELECT media_item_id FROM posting_queue WHERE tenant_id = ? AND id <> ? AND state = 'planned' "
                + "AND media_item_id IS NOT NULL ORDER BY scheduled_for DESC LIMIT 1", TEAM, slot).get(0);
        bot.db.execute("UPDATE posting_queue SET media_item_id = NULL WHERE tenant_id = ? AND media_item_id = ?", TEAM, freed);
        JsonArray candidates = as(ADMIN_OF_GROUP, "GET", base + "/candidates", null).json().getJsonArray("items");
        assertThat(candidates.stream().map(c -> ((JsonObject) c).getLong("mediaId"))).contains((Long) freed);
        assertThat(candidates.getJsonObject(0).getString("thumb")).startsWith("/app/thumbs/" + TEAM + "/");
        Object planned = bot.db.column("SELECT media_item_id FROM posting_queue WHERE id = ?", slot).get(0);
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"mediaItemId\": " + planned + "}"), 400, "invalid_input", "cannot be planned now");
        assertThat(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"mediaItemId\": " + freed + "}").status()).isEqualTo(200);
        assertThat(bot.db.column("SELECT media_item_id FROM posting_queue WHERE id = ?", slot)).containsExactly(freed);

        assertThat(as(ADMIN_OF_GROUP, "DELETE", base + "/slots/" + slot, null).json().getString("outcome")).isEqualTo("skipped");
        assertThat(bot.db.column("SELECT outcome || ' ' || acted_by FROM posting_history WHERE queue_item_id = ?", slot))
                .containsExactly("skipped " + ADMIN_OF_GROUP.id());
        refused(as(ADMIN_OF_GROUP, "DELETE", base + "/slots/" + slot, null), 409, "conflict", "sent or ended meanwhile");
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + slot, "{\"at\": \"" + inside + "\"}"), 409, "conflict", "sent or ended meanwhile");
        long other = slots.getJsonObject(0).getLong("id");
        bot.db.execute("UPDATE posting_queue SET state = 'notified', notified_at = now() WHERE id = ?", other);
        refused(as(ADMIN_OF_GROUP, "PATCH", base + "/slots/" + other, "{\"at\": \"" + inside + "\"}"), 409, "conflict", "notified");
    }

    @Test
    @DisplayName("library, history and stats answer members; bad filters are 400")
    void reads() {
        String base = "/app/api/tenants/" + TEAM;
        JsonObject library = as(MEMBER, "GET", base + "/library?limit=5", null).json();
        assertThat(library.getJsonArray("items")).hasSize(5);
        assertThat(library.getLong("total")).isEqualTo(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = ? AND is_active", TEAM))
                .isGreaterThanOrEqualTo(8);
        assertThat(library.getJsonObject("categories").getMap()).containsKeys("memes", "merch");
        assertThat(as(MEMBER, "GET", base + "/library?category=merch", null).json().getLong("total")).isEqualTo(
                bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = ? AND is_active AND category = 'merch'", TEAM));
        refused(as(MEMBER, "GET", base + "/library?filter=everything", null), 400, "invalid_input", "filter must be");
        refused(as(MEMBER, "GET", base + "/library?limit=0", null), 400, "invalid_input", "limit must be between");
        refused(as(MEMBER, "GET", base + "/history?outcome=won", null), 400, "invalid_input", "outcome must be");
        assertThat(as(MEMBER, "GET", base + "/history", null).json().getJsonArray("items")).isNotNull();
        JsonObject stats = as(MEMBER, "GET", base + "/stats", null).json();
        assertThat(stats.getMap()).containsKeys("outcomes", "people", "daily", "categories", "instagram");
        // D31: a published story with a reading shows up with its latest figures
        bot.db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, "
                + "completed_at, instagram_media_id) SELECT tenant_id, 987654, id, 'ig-stats', now(), 'posted', 'instagram', now(), 'IGSTATS' "
                + "FROM media_items WHERE tenant_id = ? ORDER BY id LIMIT 1", TEAM);
        bot.db.execute("INSERT INTO instagram_post_metrics (tenant_id, history_id, instagram_media_id, taken_at, age_minutes, reach, exits) "
                + "SELECT tenant_id, id, instagram_media_id, now(), 60, 321, 7 FROM posting_history WHERE instagram_media_id = 'IGSTATS'");
        JsonObject ig = as(MEMBER, "GET", base + "/stats", null).json().getJsonArray("instagram").getJsonObject(0);
        assertThat(ig.getString("mediaId")).isEqualTo("IGSTATS");
        assertThat(ig.getJsonObject("latest").getInteger("reach")).isEqualTo(321);
        assertThat(ig.getJsonObject("latest").getInteger("exits")).isEqualTo(7);
        refused(as(MEMBER, "GET", base + "/nothing", null), 404, "not_found", "no route");
    }

    @Test
    @DisplayName("/login in private sends a one-time link; it sets an HttpOnly SameSite=Strict session once; the session opens the API")
    void browserLogin() {
        bot.fake.userSends(FakeTelegram.group(TEAM, "App team"), MEMBER, "/login");
        bot.awaitMessage(TEAM, t -> t.contains("private chat"));
        JsonObject privateChat = FakeTelegram.privateChat(MEMBER);
        bot.fake.userSends(privateChat, MEMBER, "/login");
        String text = bot.awaitMessage(MEMBER.id(), t -> t.contains("/app/login?token=")).getString("text");
        String link = text.substring(text.indexOf("http"), text.indexOf('\n', text.indexOf("http")));
        String path = URI.create(link).getRawPath() + "?" + URI.create(link).getRawQuery();
        Reply login = call("GET", path, null, null);
        assertThat(login.status()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("storyline_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/app")
                .contains("Max-Age=604800");
        String session = cookie.substring(0, cookie.indexOf(';'));
        assertThat(call("GET", "/app/api/me", session, null).json().getJsonArray("tenants").getJsonObject(0).getLong("chatId")).isEqualTo(TEAM);
        assertThat(call("GET", path, null, null).status()).as("a link is good once").isEqualTo(401);
        refused(call("GET", "/app/api/me", "storyline_session=502.9999999999.forged", null), 401, "unauthorized", "expired");
        assertThat(call("GET", "/app/login?token=short", null, null).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("/status, /settings and /queue carry the planner button: a private-chat link in groups, which answers with the web_app button")
    void buttons() {
        JsonObject team = FakeTelegram.group(TEAM, "App team");
        for (String command : List.of("/status", "/settings", "/queue")) {
            bot.fake.userSends(team, MEMBER, command);
        }
        for (String start : List.of("📊", "⚙️", "📅")) {
            JsonObject message = bot.awaitMessage(TEAM, t -> t.startsWith(start));
            JsonArray rows = message.getJsonObject("reply_markup").getJsonArray("inline_keyboard");
            JsonObject button = rows.getJsonArray(rows.size() - 1).getJsonObject(0);
            assertThat(button.getString("text")).isEqualTo("📅 Open planner");
            assertThat(button.getString("url")).isEqualTo("https://t.me/" + FakeTelegram.BOT_USERNAME + "?start=app_" + TEAM);
            assertThat(button.containsKey("web_app")).as("groups refuse web_app buttons").isFalse();
        }
        JsonObject privateChat = FakeTelegram.privateChat(MEMBER);
        bot.fake.userSends(privateChat, MEMBER, "/start app_" + TEAM);
        JsonObject answer = bot.awaitMessage(MEMBER.id(), t -> t.contains("Open the planner"));
        JsonObject button = answer.getJsonObject("reply_markup").getJsonArray("inline_keyboard").getJsonArray(0).getJsonObject(0);
        assertThat(button.getJsonObject("web_app").getString("url")).isEqualTo("http://127.0.0.1:8080/app/?tenant=" + TEAM);
        assertThat(bot.fake.calls("setChatMenuButton")).isNotEmpty();
    }

    @Test
    @DisplayName("the page is served with a strict CSP and no inline script")
    void page() {
        assertThat(call("GET", "/app", null, null).status()).isEqualTo(302);
        Reply page = call("GET", "/app/", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self' https://telegram.org")
                .doesNotContain("unsafe-inline");
        assertThat(page.body()).contains("<script src=\"app.js\"").doesNotContainPattern("<script>[^<]");
        assertThat(call("GET", "/app/app.js", null, null).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("openapi.json describes every API route, and every route it describes wants a sign-in")
    void openApi() {
        JsonObject doc = call("GET", "/app/openapi.json", null, null).json();
        List<String> documented = new java.util.ArrayList<>();
        doc.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames()
                .forEach(method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        assertThat(documented).containsExactlyInAnyOrder("GET /app/api/me", "GET /app/api/tenants/{chatId}/plan",
                "POST /app/api/tenants/{chatId}/library",
                "POST /app/api/tenants/{chatId}/plan", "GET /app/api/tenants/{chatId}/candidates",
                "PATCH /app/api/tenants/{chatId}/slots/{slotId}", "DELETE /app/api/tenants/{chatId}/slots/{slotId}",
                "GET /app/api/tenants/{chatId}/library", "POST /app/api/tenants/{chatId}/library/{itemId}/unlock",
                "GET /app/api/tenants/{chatId}/history", "GET /app/api/tenants/{chatId}/stats",
                "GET /app/api/tenants/{chatId}/settings", "PATCH /app/api/tenants/{chatId}/settings");
        for (String route : documented) {
            String[] parts = route.split(" ");
            String path = parts[1].replace("{chatId}", Long.toString(TEAM)).replace("{slotId}", "1").replace("{itemId}", "1");
            refused(call(parts[0], path, null, parts[0].equals("PATCH") ? "{}" : null), 401, "unauthorized", "sign in");
            assertThat(as(MEMBER, parts[0], path, parts[0].equals("PATCH") ? "{\"at\": \"x\"}" : null).status()).as(route).isNotEqualTo(404);
        }
    }

    static Reply upload(FakeTelegram.Person who, long team, String fileName, String type, byte[] content, String caption) {
        String boundary = "----storyline" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.util.function.Consumer<String> text = t -> body.writeBytes(t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (caption != null) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n" + caption + "\r\n");
        }
        if (content != null) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                    + "Content-Type: " + type + "\r\n\r\n");
            body.writeBytes(content);
            text.accept("\r\n");
        }
        text.accept("--" + boundary + "--\r\n");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app/api/tenants/" + team + "/library"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (who != null) {
            request.header("Authorization", "tma " + initData(who, bot.clock.instant()));
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("uploads: a member adds an image with its #category as in the chat; a second copy is a duplicate; a text file is refused; another team's member gets 403 and nothing stays behind")
    void uploads() throws IOException {
        byte[] jpeg = TestImages.encode("jpg", 1080, 1920, new Color(12, 200, 99));
        Reply added = upload(MEMBER, TEAM, "shop.jpg", "image/jpeg", jpeg, "Shop window | #merch");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json().getString("outcome")).isEqualTo("ADDED");
        assertThat(added.json().getString("category")).isEqualTo("merch");
        assertThat(bot.db.column("SELECT title || ' ' || category || ' ' || added_by FROM media_items WHERE id = ?",
                added.json().getLong("itemId"))).containsExactly("Shop window merch " + MEMBER.id());
        assertThat(upload(MEMBER, TEAM, "again.jpg", "image/jpeg", jpeg, null).json().getString("outcome")).isEqualTo("DUPLICATE");
        Reply refused = upload(MEMBER, TEAM, "notes.txt", "text/plain", "not an image".getBytes(), null);
        assertThat(refused.json().getString("outcome")).isEqualTo("REFUSED");
        assertThat(refused.json().getString("reason")).contains("image");

        refused(upload(STRANGER, TEAM, "x.jpg", "image/jpeg", TestImages.encode("jpg", 1080, 1920, Color.BLUE), null), 403, "forbidden",
                "not a member");
        // a stranger is refused before the body is read: the answer comes although no byte of the announced 50 MB was sent
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /app/api/tenants/" + TEAM + "/library HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: tma " + initData(STRANGER, bot.clock.instant()) + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 52428800\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            assertThat(status).startsWith("HTTP/1.1 403");
        }
        refused(upload(MEMBER, TEAM, null, null, null, "caption only"), 400, "invalid_input", "multipart field 'file'");
        refused(upload(null, TEAM, "x.jpg", "image/jpeg", jpeg, null), 401, "unauthorized", "sign in");
        Path incoming = dataDir.resolve("media").resolve(Long.toString(TEAM)).resolve("telegram").resolve(".incoming");
        try (var left = java.nio.file.Files.list(incoming)) {
            assertThat(left.toList()).as("received files are kept or deleted, never left in .incoming").isEmpty();
        }
        try (var left = java.nio.file.Files.list(dataDir.resolve("media").resolve(".app-uploads"))) {
            assertThat(left.toList()).isEmpty();
        }
    }
}
