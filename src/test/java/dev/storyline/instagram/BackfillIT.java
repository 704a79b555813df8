package dev.storyline.instagram;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeGraph;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestImages;
import dev.storyline.testing.TestVideos;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;


import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instagram backfill (D31) against the fake Graph over real HTTP: the account's live stories and its
 * feed, read page by page with Graph's cursors, downloaded from their media URLs into the library's
 * folder {@code instagram/}, recorded as posted at their Instagram time (locks and "never twice");
 * a second run imports nothing and downloads nothing; from the admin API, the chat and the CLI.
 */
class BackfillIT {
    private static final String ADMIN_TOKEN = "backfill-admin-token";
    private static final String KEY = TokenCipherTest.key();
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    @TempDir
    static Path dataDir;
    private static BotHarness bot;
    private static FakeGraph graph;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        graph = new FakeGraph();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        bot = new BotHarness(dataDir, new JsonObject()
                .put("HTTP_PORT", String.valueOf(port)).put("ADMIN_TOKEN", ADMIN_TOKEN).put("ENCRYPTION_KEY", KEY)
                .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION),
                NOW, c -> c);
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

    private static void connect(long id, String accountId) {
        String token = "token-" + accountId;
        graph.account(accountId, "team" + (-id), token, 0);
        Http.Response connected = Http.post(port, "/admin/tenants/" + id + "/instagram", ADMIN_TOKEN,
                new JsonObject().put("accountId", accountId).put("token", token).encode());
        assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    }

    private static byte[] jpeg(int n) {
        return TestImages.encode("jpg", 90, 160, new Color(n % 256, (n * 7) % 256, (n / 256) * 60 + 30));
    }

    private static Path library(long tenant) {
        return bot.config().paths().mediaDir().resolve(String.valueOf(tenant));
    }

    private static JsonObject backfill(long tenant, JsonObject body, int status) {
        Http.Response r = Http.post(port, "/admin/tenants/" + tenant + "/instagram/backfill", ADMIN_TOKEN, body.encode());
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return new JsonObject(r.body());
    }

    @Test
    @DisplayName("250 posts over 3 pages and a live story are imported, recorded as posted at their time; a re-run imports and downloads nothing")
    void threePagesThenNothingNew() throws IOException {
        long tenant = -8101;
        bot.db.insertTenant(tenant, "Backfill", "approved", false);
        connect(tenant, "178420001");
        // a library file the account also posted: recorded as a post of it, not imported twice
        Path existing = TestImages.write(library(tenant).resolve("memes").resolve("known.jpg"), "jpg", 90, 160, new Color(1, 2, 3));
        bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, category) VALUES (?, ?, 'folder', ?, ?, "
                        + "'image/jpeg', 'memes')", tenant, existing.toString(), sha256(Files.readAllBytes(existing)), Files.size(existing));
        for (int i = 0; i < 250; i++) {
            Instant at = NOW.minus(Duration.ofHours(6L * (i + 1)));
            String id = "1790" + (1000 + i);
            if (i == 10) {
                graph.post("178420001", id, at, "IMAGE", null, null); // Graph offers no media_url (e.g. music rights)
            } else if (i == 20) {
                graph.post("178420001", id, at, "IMAGE", Files.readAllBytes(existing), "image/jpeg");
            } else if (i == 30) {
                graph.post("178420001", id, at, "CAROUSEL_ALBUM", jpeg(29), "image/jpeg"); // an album's cover: the same image as post 29
            } else {
                graph.post("178420001", id, at, "IMAGE", jpeg(i), "image/jpeg");
            }
        }
        Path video = TestVideos.mp4(dataDir.resolve("story.mp4"), 8);
        graph.liveStory("178420001", "1795000001", NOW.minus(Duration.ofHours(3)), "VIDEO", Files.readAllBytes(video), "video/mp4");

        int downloadsBefore = graph.downloads().size(); // other tests' accounts share the fake
        JsonObject first = backfill(tenant, new JsonObject().put("all", true).put("limit", 1000), 200);

        assertThat(graph.mediaPages("178420001")).as("three pages, each after the last one's cursor").containsExactly("", "QVFIU100", "QVFIU200");
        assertThat(first.getInteger("listed")).isEqualTo(251);
        assertThat(first.getInteger("imported")).as("247 images and the story video").isEqualTo(248);
        assertThat(first.getInteger("duplicates")).as("the library's file and the album's cover").isEqualTo(2);
        assertThat(first.getInteger("skipped")).isEqualTo(1);
        assertThat(first.getInteger("failed")).isZero();
        assertThat(first.getJsonArray("problems").encode()).contains("17901010").contains("no file");

        Path folder = library(tenant).resolve("instagram");
        try (var files = Files.list(folder)) {
            assertThat(files.filter(f -> !f.getFileName().toString().startsWith(".")).count()).isEqualTo(248);
        }
        assertThat(folder.resolve("1795000001.mp4")).exists();
        try (var hidden = Files.list(folder)) {
            assertThat(hidden.filter(f -> f.getFileName().toString().startsWith(".")).toList()).as("no partial download left").isEmpty();
        }
        assertThat(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = ? AND source = 'instagram' AND category = 'instagram'",
                tenant)).isEqualTo(248);
        assertThat(bot.db.count("SELECT sum(times_posted) FROM media_items WHERE tenant_id = ? AND source = 'instagram'", tenant))
                .as("post 29's image was posted twice (the album's cover)").isEqualTo(249);
        assertThat(bot.db.count("SELECT count(*) FROM posting_history WHERE tenant_id = ? AND outcome = 'posted' AND instagram_media_id IS NOT NULL",
                tenant)).isEqualTo(250);
        // posted at its Instagram time, with its media id and permalink, locked for the repost days from then
        Instant at5 = NOW.minus(Duration.ofHours(36));
        assertThat(bot.db.column("SELECT completed_at = ? AND instagram_permalink LIKE 'https://www.instagram.com/p/%' AND insights_end = 'missed' "
                + "FROM posting_history WHERE instagram_media_id = '17901005'", OffsetDateTime.ofInstant(at5, ZoneOffset.UTC))).containsExactly(true);
        assertThat(bot.db.column("SELECT l.locked_until = ? FROM media_locks l JOIN posting_history h ON h.media_item_id = l.media_item_id "
                        + "WHERE h.instagram_media_id = '17901005' AND l.reason = 'posted'",
                OffsetDateTime.ofInstant(at5.plus(Duration.ofDays(bot.config().scheduling().repostTtlDays())), ZoneOffset.UTC)))
                .containsExactly(true);
        assertThat(bot.db.column("SELECT m.path FROM posting_history h JOIN media_items m ON m.id = h.media_item_id "
                + "WHERE h.instagram_media_id = '17901020'")).as("a post of the library's own file").containsExactly(existing.toString());
        assertThat(bot.db.column("SELECT insights_ended_at IS NULL FROM posting_history WHERE instagram_media_id = '1795000001'"))
                .as("the live story's insights series runs").containsExactly(true);
        assertThat(bot.db.column("SELECT status || ' ' || (summary->>'imported') FROM service_runs WHERE tenant_id = ? AND service = 'instagram.backfill'",
                tenant)).containsExactly("completed 248");
        int downloads = graph.downloads().size();
        assertThat(downloads - downloadsBefore).as("every file with a media_url, once").isEqualTo(250);

        JsonObject again = backfill(tenant, new JsonObject().put("all", true).put("limit", 1000), 200);
        assertThat(again.getInteger("imported")).isZero();
        assertThat(again.getInteger("known")).isEqualTo(250);
        assertThat(again.getInteger("duplicates")).isZero();
        assertThat(graph.downloads()).as("nothing fetched again").hasSize(downloads);
        assertThat(bot.db.count("SELECT count(*) FROM posting_history WHERE tenant_id = ?", tenant)).isEqualTo(250);
    }

    @Test
    @DisplayName("since and limit bound the listing: newest first, nothing older than since, at most limit")
    void sinceAndLimit() throws IOException {
        long tenant = -8102;
        bot.db.insertTenant(tenant, "Bounded", "approved", false);
        connect(tenant, "178420002");
        for (int i = 0; i < 40; i++) {
            graph.post("178420002", "1791" + (1000 + i), NOW.minus(Duration.ofDays(i + 1)), "IMAGE", jpeg(300 + i), "image/jpeg");
        }
        JsonObject bounded = backfill(tenant, new JsonObject().put("since", NOW.minus(Duration.ofDays(10)).minusSeconds(60).toString()), 200);
        assertThat(bounded.getInteger("imported")).as(bounded.encode()).isEqualTo(10);
        JsonObject limited = backfill(tenant, new JsonObject().put("all", true).put("limit", 15), 200);
        assertThat(limited.getInteger("listed")).isEqualTo(15);
        assertThat(limited.getInteger("known")).isEqualTo(10);
        assertThat(limited.getInteger("imported")).isEqualTo(5);
        assertThat(bot.db.column("SELECT min(completed_at) = ? FROM posting_history WHERE tenant_id = ?",
                OffsetDateTime.ofInstant(NOW.minus(Duration.ofDays(15)), ZoneOffset.UTC), tenant)).containsExactly(true);
    }

    @Test
    @DisplayName("a rate-limit answer while listing imports nothing and says so; no account, a bad body: clear refusals")
    void refusals() {
        long tenant = -8103;
        bot.db.insertTenant(tenant, "Refused", "approved", false);
        JsonObject none = backfill(tenant, new JsonObject(), 422);
        assertThat(none.encode()).contains("no Instagram account connected");
        connect(tenant, "178420003");
        graph.post("178420003", "17920001", NOW.minus(Duration.ofDays(1)), "IMAGE", jpeg(500), "image/jpeg");
        graph.failNext("178420003/media", 1, 400, 4, "Application request limit reached");
        JsonObject limited = backfill(tenant, new JsonObject(), 429);
        assertThat(limited.encode()).contains("request limit");
        assertThat(bot.db.count("SELECT count(*) FROM posting_history WHERE tenant_id = ?", tenant)).isZero();
        assertThat(bot.db.column("SELECT status FROM service_runs WHERE tenant_id = ? AND service = 'instagram.backfill'", tenant))
                .containsExactly("failed");
        assertThat(backfill(tenant, new JsonObject().put("limit", 0), 400).encode()).contains("limit");
        assertThat(backfill(tenant, new JsonObject().put("since", "yesterday"), 400).encode()).contains("since");
        assertThat(backfill(tenant, new JsonObject(), 200).getInteger("imported")).as("the next run works").isEqualTo(1);
    }

    @Test
    @DisplayName("/backfill in the chat: administrators only, one message shows the progress and then the outcome")
    void fromTheChat() {
        long group = -8104;
        JsonObject chat = bot.approvedGroup(group, "Backfill chat");
        connect(group, "178420004");
        for (int i = 0; i < 5; i++) {
            graph.post("178420004", "1793" + (1000 + i), NOW.minus(Duration.ofDays(i + 1)), "IMAGE", jpeg(700 + i), "image/jpeg");
        }
        bot.fake.userSends(chat, MEMBER, "/backfill");
        bot.awaitMessageContaining(group, "Only the chat's administrators");
        bot.fake.userSends(chat, ADMIN_OF_GROUP, "/backfill soon");
        bot.awaitMessageContaining(group, "is not a number of days");
        int before = bot.fake.messagesIn(group).size();

        bot.fake.userSends(chat, ADMIN_OF_GROUP, "/backfill 30 100");
        JsonObject done = bot.awaitMessageContaining(group, "Imported 5 posts");
        assertThat(done.getString("text")).contains("5 listed");
        assertThat(bot.fake.messagesIn(group)).as("one message, edited").hasSize(before + 1);
        assertThat(bot.fake.calls("editMessageText").stream().filter(c -> c.params().getLong("message_id").equals(done.getLong("message_id"))))
                .isNotEmpty();
        assertThat(bot.db.column("SELECT trigger FROM service_runs WHERE tenant_id = ? AND service = 'instagram.backfill'", group))
                .containsExactly("telegram");

        bot.fake.userSends(chat, ADMIN_OF_GROUP, "/backfill");
        bot.awaitMessageContaining(group, "Nothing new on Instagram");
    }

    @Test
    @DisplayName("the CLI imports with the same rules and prints the counts")
    void fromTheCli() {
        long tenant = -8105;
        bot.db.insertTenant(tenant, "Cli", "approved", false);
        connect(tenant, "178420005");
        for (int i = 0; i < 3; i++) {
            graph.post("178420005", "1794" + (1000 + i), NOW.minus(Duration.ofDays(i + 1)), "IMAGE", jpeg(900 + i), "image/jpeg");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = cli(out, err, "instagram", "backfill", "--tenant", Long.toString(tenant), "--since", "2026-11-01", "--json");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(new JsonObject(out.toString()).getInteger("imported")).isEqualTo(3);
        StringWriter out2 = new StringWriter();
        exit = cli(out2, err, "instagram", "backfill", "--tenant", Long.toString(tenant), "--no-progress");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out2.toString()).contains("Imported 0 of 3").contains("3 imported before");
        StringWriter err3 = new StringWriter();
        assertThat(cli(new StringWriter(), err3, "instagram", "backfill", "--tenant", Long.toString(tenant), "--since", "soon"))
                .isNotZero();
        assertThat(err3.toString()).contains("--since must be a day");
    }

    private static int cli(StringWriter out, StringWriter err, String... args) {
        return dev.storyline.cli.Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                dev.storyline.config.ConfigLoader.Sources.isolated(dataDir, new JsonObject().put("DATABASE_URL", bot.db.url())
                        .put("STORYLINE_DATA_DIR", dataDir.toString()).put("ENCRYPTION_KEY", KEY)
                        .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION)));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
