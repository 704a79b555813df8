package dev.storyline.instagram;

import dev.storyline.config.AppConfig;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeGraph;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Story insights (D31) against the fake Graph over real HTTP, on the application's business clock: a
 * published story is read every hour while live and once more from 22 hours on, never after; a story
 * Graph no longer has ends quietly; a rate-limit answer rests the account; the figures reach
 * {@code /stats}, the admin API and the CLI.
 */
class InsightsIT {
    private static final String ADMIN_TOKEN = "insights-admin-token";
    private static final String KEY = TokenCipherTest.key();
    @TempDir
    static Path dataDir;
    private static BotHarness bot;
    private static FakeGraph graph;
    private static int port;
    private static long queueIds = 900_000;

    @BeforeAll
    static void start() throws IOException {
        graph = new FakeGraph();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open")
                .put("HTTP_PORT", String.valueOf(port)).put("ADMIN_TOKEN", ADMIN_TOKEN)
                .put("ENCRYPTION_KEY", KEY)
                .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION)
                .put("FACEBOOK_APP_ID", "4242").put("FACEBOOK_APP_SECRET", "app-secret"),
                Instant.parse("2026-12-01T08:00:00Z"),
                config -> TestConfig.withInstagramTiming(config, AppConfig.InstagramTiming.DEFAULT.withInsights(Duration.ofMillis(50), 150)));
        graph.clock(bot.clock::instant);
    }

    @AfterEach
    void running() {
        bot.ensureRunning();
    }

    @AfterAll
    static void stop() {
        bot.close();
        graph.close();
    }

    /** An approved team with an account connected through the admin API. */
    private static void team(long id, String accountId) {
        bot.db.insertTenant(id, "Insights " + id, "approved", false);
        String token = "token-" + accountId;
        graph.account(accountId, "team" + (-id), token, 0);
        Http.Response connected = Http.post(port, "/admin/tenants/" + id + "/instagram", ADMIN_TOKEN,
                new JsonObject().put("accountId", accountId).put("token", token).encode());
        assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    }

    /** A story published through Storyline at {@code at}: its history row holds the media id (as a publish leaves it). */
    private static long published(long tenantId, String mediaId, Instant at, String title, String category, boolean live) {
        if (live) { // Graph has it before Storyline records it, as after a publish
            graph.liveStory(accountIdOf(tenantId), mediaId, at);
        }
        bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, title, category) "
                + "VALUES (?, ?, 'folder', ?, 1, 'image/jpeg', ?, ?)", tenantId, "/m/" + mediaId + ".jpg", "hash-" + mediaId, title, category);
        OffsetDateTime when = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        bot.db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, "
                + "completed_at, instagram_media_id, instagram_permalink) SELECT ?, ?, id, ?, ?, 'posted', 'instagram', ?, ?, ? "
                + "FROM media_items WHERE tenant_id = ? AND path = ?", tenantId, queueIds++, "k-" + mediaId, when, when, mediaId,
                "https://www.instagram.com/stories/x/" + mediaId + "/", tenantId, "/m/" + mediaId + ".jpg");
        return (Long) bot.db.column("SELECT id FROM posting_history WHERE instagram_media_id = ?", mediaId).get(0);
    }

    private static String accountIdOf(long tenantId) {
        return (String) bot.db.column("SELECT account_id FROM instagram_accounts WHERE tenant_id = ?", tenantId).get(0);
    }

    private static long readings(String mediaId) {
        return bot.db.count("SELECT count(*) FROM instagram_post_metrics WHERE instagram_media_id = ?", mediaId);
    }

    private static List<FakeGraph.InsightsCall> calls(String mediaId) {
        return graph.insightsCalls().stream().filter(c -> c.mediaId().equals(mediaId)).toList();
    }

    /** A start two days after wherever the clock stands (the clock only moves forward, and tests run in any order). */
    private static Instant fresh() {
        return bot.clock.instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
    }

    private static String seriesEnd(String mediaId) {
        return (String) bot.db.column("SELECT coalesce(insights_end, 'live') FROM posting_history WHERE instagram_media_id = ?", mediaId)
                .get(0);
    }

    @Test
    @DisplayName("a published story is read every hour while live, once more from 22 hours on (final), and never after")
    void hourlyThenFinal() {
        long tenant = -7101;
        team(tenant, "178410001");
        graph.followers("178410001", 2500);
        Instant T0 = fresh();
        bot.clock.set(T0);
        published(tenant, "M1", T0, "Sunset", "memes", true);

        for (int hour = 1; hour <= 21; hour++) {
            bot.clock.set(T0.plus(Duration.ofHours(hour)).plusSeconds(30));
            int expected = hour;
            await().atMost(Duration.ofSeconds(10)).until(() -> readings("M1") == expected);
        }
        assertThat(calls("M1")).as("two calls a reading: the plain metrics, then navigation with its breakdown").hasSize(42);
        List<Object> hour5 = bot.db.column("SELECT reach || ' ' || replies || ' ' || taps_forward || ' ' || exits FROM instagram_post_metrics "
                + "WHERE instagram_media_id = 'M1' AND age_minutes = 300");
        long salt = Math.abs("M1".hashCode() % 7);
        assertThat(hour5).containsExactly((200 + salt) + " 2 100 " + (25 + salt));
        assertThat(seriesEnd("M1")).isEqualTo("live");
        assertThat(bot.db.column("SELECT DISTINCT followers FROM instagram_post_metrics WHERE instagram_media_id = 'M1'"))
                .as("each reading keeps the follower count it was taken with (reach per follower)").containsExactly(2500);

        bot.clock.set(T0.plus(Duration.ofHours(22)).plus(Duration.ofMinutes(5)));
        await().atMost(Duration.ofSeconds(10)).until(() -> seriesEnd("M1").equals("final"));
        assertThat(bot.db.column("SELECT is_final || ' ' || age_minutes || ' ' || reach FROM instagram_post_metrics WHERE instagram_media_id = 'M1' "
                + "ORDER BY taken_at DESC LIMIT 1")).containsExactly("true 1325 " + (880 + salt));
        assertThat(readings("M1")).isEqualTo(22);

        // later passes leave it alone: a witness story posted now is read an hour later, and M1 is not asked again
        published(tenant, "W1", T0.plus(Duration.ofHours(22)).plus(Duration.ofMinutes(10)), "Witness", "memes", true);
        bot.clock.set(T0.plus(Duration.ofHours(25)));
        await().atMost(Duration.ofSeconds(10)).until(() -> readings("W1") == 1);
        assertThat(calls("M1")).hasSize(44);
        assertThat(readings("M1")).isEqualTo(22);
    }

    @Test
    @DisplayName("a story Graph no longer has ends its series quietly; one whose 24 hours passed unread ends without a call")
    void goneAndExpired() {
        long tenant = -7102;
        team(tenant, "178410002");
        Instant at = fresh();
        bot.clock.set(at);
        published(tenant, "GONE", at, "Deleted", null, false); // the fake never had it: code 100, subcode 33
        published(tenant, "OLD", at.minus(Duration.ofHours(25)), "Old", null, true);

        bot.clock.set(at.plus(Duration.ofHours(1)).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> seriesEnd("GONE").equals("gone") && seriesEnd("OLD").equals("expired"));
        assertThat(readings("GONE")).isZero();
        assertThat(calls("GONE")).hasSize(1);
        assertThat(calls("OLD")).as("an expired story is not asked for").isEmpty();
    }

    @Test
    @DisplayName("a rate-limit answer (code 4) rests the account for 5 minutes: no call meanwhile, then the reading is taken")
    void rateLimit() {
        long tenant = -7103;
        team(tenant, "178410003");
        Instant at = fresh();
        bot.clock.set(at);
        published(tenant, "R1", at, "Limited", null, true);
        published(tenant, "R2", at.plus(Duration.ofMinutes(2)), "Witness two", null, true);
        published(tenant, "R3", at.plus(Duration.ofMinutes(7)), "Witness seven", null, true);
        long other = -7104;
        team(other, "178410004");
        published(other, "X2", at.plus(Duration.ofMinutes(2)), "Other account", null, true);
        graph.failNext("R1/insights", 1, 400, 4, "Application request limit reached");

        bot.clock.set(at.plus(Duration.ofHours(1)).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls("R1").size() == 1);
        assertThat(readings("R1")).isZero();

        // two minutes on: another account's story is read; this account's (R1, and R2 now due) wait
        bot.clock.set(at.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(2)).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> readings("X2") == 1);
        assertThat(calls("R1")).hasSize(1);
        assertThat(calls("R2")).isEmpty();

        // after the rest: both are read
        bot.clock.set(at.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(7)).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> readings("R1") == 1 && readings("R2") == 1 && readings("R3") == 1);
        assertThat(calls("R1")).hasSize(3);
    }

    /** A story sent to the chat at {@code notified} and marked Posted at {@code pressed}: no media id, as a press leaves it. */
    private static long handPosted(long tenantId, String key, Instant notified, Instant pressed) {
        bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, title) "
                + "VALUES (?, ?, 'folder', ?, 1, 'image/jpeg', ?)", tenantId, "/m/" + key + ".jpg", "hash-" + key, "Hand " + key);
        bot.db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, "
                + "notified_at, completed_at, acted_by) SELECT ?, ?, id, ?, ?, 'posted', 'telegram', ?, ?, NULL FROM media_items "
                + "WHERE tenant_id = ? AND path = ?", tenantId, queueIds++, "k-" + key, OffsetDateTime.ofInstant(notified, ZoneOffset.UTC),
                OffsetDateTime.ofInstant(notified, ZoneOffset.UTC), OffsetDateTime.ofInstant(pressed, ZoneOffset.UTC), tenantId, "/m/" + key + ".jpg");
        return (Long) bot.db.column("SELECT id FROM posting_history WHERE slot_key = ?", "k-" + key).get(0);
    }

    private static String match(long historyId) {
        return (String) bot.db.column("SELECT coalesce(instagram_match_end, '-') || ' ' || coalesce(instagram_media_id, '-') "
                + "FROM posting_history WHERE id = ?", historyId).get(0);
    }

    @Test
    @DisplayName("a story posted by hand is matched (its time between notification and press, same type) and measured; "
            + "two candidates or none are not guessed")
    void handPostedStories() {
        long tenant = -7106;
        team(tenant, "178410006");
        String account = accountIdOf(tenant);
        Instant at = fresh();
        bot.clock.set(at);
        graph.liveStory(account, "IG-H1", at.plus(Duration.ofMinutes(5)), "IMAGE");
        graph.liveStory(account, "IG-V1", at.plus(Duration.ofMinutes(6)), "VIDEO"); // in the window, but a video
        graph.liveStory(account, "IG-A1", at.plus(Duration.ofMinutes(25)), "IMAGE");
        graph.liveStory(account, "IG-A2", at.plus(Duration.ofMinutes(30)), "IMAGE");
        long h1 = handPosted(tenant, "H1", at, at.plus(Duration.ofMinutes(10)));
        long h2 = handPosted(tenant, "H2", at.plus(Duration.ofMinutes(20)), at.plus(Duration.ofMinutes(40)));
        long h3 = handPosted(tenant, "H3", at.plus(Duration.ofMinutes(50)), at.plus(Duration.ofMinutes(55)));

        bot.clock.set(at.plus(Duration.ofMinutes(56)));
        await().atMost(Duration.ofSeconds(10)).until(() -> match(h1).equals("matched IG-H1") && match(h2).equals("ambiguous -")
                && bot.db.count("SELECT count(*) FROM posting_history WHERE id = ? AND instagram_match_tried_at IS NOT NULL", h3) == 1);
        assertThat(bot.db.column("SELECT instagram_match->>'storyAt' || ' ' || (instagram_match->'candidates')::text FROM posting_history "
                + "WHERE id = ?", h1)).containsExactly(at.plus(Duration.ofMinutes(5)) + " [\"IG-H1\"]");
        assertThat(bot.db.column("SELECT string_agg(c, ',' ORDER BY c) FROM posting_history, jsonb_array_elements_text(instagram_match->'candidates') c "
                + "WHERE id = ?", h2)).containsExactly("IG-A1,IG-A2");
        assertThat(match(h3)).as("not found yet: tried again later").isEqualTo("- -");

        // an hour on: the matched story is measured like a published one; the one never found is given up
        bot.clock.set(at.plus(Duration.ofHours(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> readings("IG-H1") == 1 && match(h3).equals("unmatched -"));
        assertThat(bot.db.column("SELECT age_minutes FROM instagram_post_metrics WHERE instagram_media_id = 'IG-H1'")).containsExactly(115);
        assertThat(calls("IG-A1")).isEmpty();
        assertThat(calls("IG-A2")).isEmpty();
    }

    @Test
    @DisplayName("the figures reach /stats (week's reach, replies, exits, top 3, reach per category), the admin API and the CLI")
    void readOuts() {
        long tenant = -7105;
        team(tenant, "178410005");
        Instant at = fresh();
        bot.clock.set(at);
        published(tenant, "S1", at, "Cats <3", "memes", true);
        published(tenant, "S2", at.minus(Duration.ofHours(2)), "Mugs", "merch", true);
        published(tenant, "S3", at.minus(Duration.ofHours(4)), "Dogs", "memes", true);
        published(tenant, "S4", at.minus(Duration.ofHours(1)), "Hats", "merch", true);
        bot.clock.set(at.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> bot.db.count("SELECT count(*) FROM instagram_post_metrics WHERE tenant_id = ? "
                + "AND age_minutes >= 300", tenant) == 4);

        JsonObject group = FakeTelegram.group(tenant, "Insights " + tenant);
        bot.fake.userSends(group, MEMBER, "/stats");
        String stats = bot.awaitMessage(tenant, t -> t.startsWith("📈")).getString("text");
        assertThat(stats).contains("Instagram (7 days, 4 stories)").contains("Top stories:\n1. Dogs: reach").contains("2. Mugs")
                .contains("3. Hats").doesNotContain("4.").contains("Average reach: memes").contains("merch");

        Http.Response api = Http.get(port, "/admin/tenants/" + tenant + "/instagram/insights", ADMIN_TOKEN);
        assertThat(api.status()).as(api.body()).isEqualTo(200);
        JsonArray stories = new JsonObject(api.body()).getJsonArray("stories");
        assertThat(stories).hasSize(4);
        JsonObject newest = stories.getJsonObject(0);
        assertThat(newest.getString("title")).isEqualTo("Cats <3");
        assertThat(newest.getJsonObject("latest").getInteger("reach")).isEqualTo(200 + (int) Math.abs("S1".hashCode() % 7));
        assertThat(newest.getLong("readings")).as("the clock jumped 5 hours: one reading").isEqualTo(1);
        assertThat(Http.get(port, "/admin/tenants/" + tenant + "/instagram/insights", null).status()).isEqualTo(401);

        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = dev.storyline.cli.Cli.run(new String[] {"instagram", "insights", "--tenant", Long.toString(tenant)},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), dev.storyline.config.ConfigLoader.Sources.isolated(dataDir,
                        new JsonObject().put("DATABASE_URL", bot.db.url()).put("STORYLINE_DATA_DIR", dataDir.toString())
                                .put("ENCRYPTION_KEY", KEY)));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("REACH").contains("Cats <3").contains("memes").contains("live");
    }
}
