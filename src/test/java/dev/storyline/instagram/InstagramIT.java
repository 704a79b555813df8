package dev.storyline.instagram;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.TenantChanged;
import dev.storyline.config.AppConfig;
import dev.storyline.run.Trigger;
import dev.storyline.posting.DispatchVerticle;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeGraph;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.LogCapture;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instagram automation end to end (issue 6): the real application publishes through the fake Graph
 * API, which fetches the image from Storyline's own signed URL; faults at the fake drive retries,
 * the D16 container check, the fallback to the chat and token care.
 */
class InstagramIT {
    private static final String ADMIN_TOKEN = "admin-secret-for-tests";
    private static final String KEY = TokenCipherTest.key();
    @TempDir
    static Path dataDir;
    private static BotHarness bot;
    private static FakeGraph graph;
    private static LogCapture logs;
    private static int port;
    private static final java.util.Set<String> TOKENS = new java.util.HashSet<>();

    @BeforeAll
    static void start() throws IOException {
        graph = new FakeGraph();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        logs = LogCapture.attach();
        // what a crash left: a prepared JPEG and a hosted copy, hours old, and a fresh hosted copy
        for (String name : new String[] {"hosted/old.jpg", "instagram-work/publish-1-old.jpg", "hosted/fresh.jpg"}) {
            java.nio.file.Files.createDirectories(dataDir.resolve(name).getParent());
            java.nio.file.Files.writeString(dataDir.resolve(name), "jpeg");
            if (name.contains("old")) {
                java.nio.file.Files.setLastModifiedTime(dataDir.resolve(name),
                        java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(3))));
            }
        }
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open")
                .put("HTTP_PORT", String.valueOf(port)).put("ADMIN_TOKEN", ADMIN_TOKEN)
                .put("ENCRYPTION_KEY", KEY)
                .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION)
                .put("FACEBOOK_APP_ID", "4242").put("FACEBOOK_APP_SECRET", "app-secret-never-logged")
                .put("MEDIA_HOSTING", "self").put("MEDIA_PUBLIC_BASE_URL", "http://127.0.0.1:" + port),
                Instant.now().truncatedTo(ChronoUnit.HOURS),
                config -> TestConfig.withInstagramTiming(TestConfig.withSweep(config, Duration.ofMillis(200)),
                        new AppConfig.InstagramTiming(Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofMillis(300))));
    }

    @AfterEach
    void running() {
        bot.ensureRunning();
    }

    /** Every message on the event bus, to prove that no token and no local path travels (architecture: portable contracts). */
    private static final java.util.Queue<String> BUS = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static io.vertx.core.Vertx intercepted;

    @org.junit.jupiter.api.BeforeEach
    void interceptBus() {
        io.vertx.core.Vertx current = bot.app().vertx();
        if (current != intercepted) {
            intercepted = current;
            current.eventBus().addOutboundInterceptor(ctx -> {
                Object body = ctx.message().body();
                if (body != null) {
                    BUS.add(ctx.message().address() + " " + body);
                }
                ctx.next();
            });
        }
    }

    @AfterAll
    static void stop() {
        bot.close();
        graph.close();
        List<String> lines = logs.lines();
        logs.close();
        assertThat(lines).as("log lines were captured").isNotEmpty();
        for (String token : TOKENS) {
            assertThat(lines).as("no log line shows a token").noneMatch(line -> line.contains(token));
        }
        assertThat(lines).noneMatch(line -> line.contains("app-secret-never-logged"));
        assertThat(BUS).as("messages were seen on the bus").anyMatch(m -> m.startsWith("instagram.connect "))
                .anyMatch(m -> m.startsWith("instagram.publish ")).anyMatch(m -> m.startsWith("telegram.send "));
        for (String token : TOKENS) {
            assertThat(BUS).as("no message carries a token").noneMatch(m -> m.contains(token));
        }
        // requests only: a media.index answer names the folder it indexed, for the operator to read
        assertThat(BUS).as("no request carries a local path").filteredOn(m -> !m.startsWith("__vertx.reply."))
                .noneMatch(m -> m.contains(dataDir.toString()));
    }

    private static EventBusClient bus() {
        return new EventBusClient(bot.app().vertx(), Duration.ofSeconds(30));
    }

    /**
     * An approved team with Instagram on, one image (with a link when {@code link} is set), and an
     * account connected through the admin API with a token that expires in {@code days}.
     */
    private static JsonObject team(long id, String title, String link, String accountId, String token, int days) {
        return team(id, title, link, accountId, token, days, false);
    }

    /** As above; with {@code video} the story is a 10 s H.264 MP4 (D29) instead of an image. */
    private static JsonObject team(long id, String title, String link, String accountId, String token, int days, boolean video) {
        Path folder = dataDir.resolve("media/" + id);
        if (video) {
            try {
                java.nio.file.Files.createDirectories(folder);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            dev.storyline.testing.TestVideos.write(folder.resolve("story.mp4"), 10, 1080, 1920, "avc1", 256 * 1024, false);
        } else {
            TestImages.write(folder.resolve("story.jpg"), "jpg", 1080, 1920, new Color((int) (-id % 200), 80, 160));
        }
        if (link != null) {
            TestImages.text(folder.resolve("story.json"), new JsonObject().put("title", "Linked " + title).put("link", link).encode());
        } else {
            TestImages.text(folder.resolve("story.json"), new JsonObject().put("title", "Sunset " + title).encode());
        }
        bot.db.insertTenant(id, title, "approved", false);
        bot.db.execute("UPDATE tenants SET enable_instagram = true WHERE id = ?", id);
        bot.fake.setAdmins(id, ADMIN_OF_GROUP.id());
        if (accountId != null) {
            graph.account(accountId, "team" + (-id), token, bot.clock.instant().plus(Duration.ofDays(days)).getEpochSecond());
            TOKENS.add(token);
            Http.Response connected = Http.post(port, "/admin/tenants/" + id + "/instagram", ADMIN_TOKEN,
                    new JsonObject().put("accountId", accountId).put("token", token).encode());
            assertThat(connected.status()).as(connected.body()).isEqualTo(200);
            assertThat(connected.body()).doesNotContain(token).contains("\"username\" : \"team" + (-id) + "\"");
        }
        bus().indexMedia(new MediaIndexRequest(id, null, Trigger.CLI, null)).await();
        bus().tenantChanged(new TenantChanged(id, "test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ? "
                + "AND media_item_id IS NOT NULL", id) > 0);
        return FakeTelegram.group(id, title);
    }

    private static Instant nextSlot(long tenantId) {
        return ((java.sql.Timestamp) bot.db.column("SELECT min(due_at) FROM posting_queue WHERE tenant_id = ? AND state = 'planned' "
                + "AND media_item_id IS NOT NULL", tenantId).get(0)).toInstant();
    }

    private static long fire(long tenantId) {
        Instant due = nextSlot(tenantId);
        long queueId = (Long) bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = ? AND due_at = ? ORDER BY id LIMIT 1",
                tenantId, OffsetDateTime.ofInstant(due, ZoneOffset.UTC)).get(0);
        bot.clock.set(due);
        return queueId;
    }

    private static List<JsonObject> photos(long chatId) {
        return bot.fake.messagesIn(chatId).stream().filter(m -> m.containsKey("photo")).toList();
    }

    private static String historyOf(long queueId) {
        List<Object> rows = bot.db.column("SELECT outcome || ' ' || coalesce(route, '-') || ' ' || dry_run FROM posting_history "
                + "WHERE queue_item_id = ?", queueId);
        return rows.isEmpty() ? null : (String) rows.get(0);
    }

    @Test
    @DisplayName("a due story without stickers is published from a signed URL Storyline serves; history holds the media id and "
            + "permalink; the hosted copy is gone; a story with a link goes to the chat instead")
    void publishes() {
        team(-7001, "Auto team", null, "17841400000000001", "token-auto-0001", 50);
        long queueId = fire(-7001);
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram false".equals(historyOf(queueId)));

        List<FakeGraph.Published> published = graph.published().stream().filter(p -> p.accountId().equals("17841400000000001")).toList();
        assertThat(published).hasSize(1);
        assertThat(bot.db.column("SELECT instagram_media_id || ' ' || instagram_permalink FROM posting_history WHERE queue_item_id = ?",
                queueId)).containsExactly(published.get(0).mediaId() + " https://www.instagram.com/stories/team7001/"
                + published.get(0).mediaId() + "/");
        String url = published.get(0).imageUrl();
        assertThat(url).startsWith("http://127.0.0.1:" + port + "/media/").contains("expires=").contains("sig=");
        assertThat(graph.fetches()).anySatisfy(f -> {
            assertThat(f.url()).isEqualTo(url);
            assertThat(f.status()).isEqualTo(200);
            assertThat(f.jpeg()).isTrue();
        });
        assertThat(Http.get(port, url.substring(url.indexOf("/media/"))).status()).as("the hosted copy is removed").isEqualTo(404);
        assertThat(Http.get(port, url.substring(url.indexOf("/media/")).replaceAll("sig=[0-9a-f]+", "sig=00")).status())
                .as("a forged signature").isEqualTo(403);
        assertThat(photos(-7001)).as("nothing for a person to post").isEmpty();
        bot.awaitMessage(-7001, t -> t.startsWith("🤖 Published Sunset Auto team to Instagram"));
        assertThat(bot.db.count("SELECT count(*) FROM media_locks WHERE tenant_id = -7001 AND reason = 'posted'")).isEqualTo(1);
        assertThat(Http.get(port, "/metrics").body()).containsPattern("storyline_instagram_publishes_total [1-9]")
                .containsPattern("storyline_story_outcomes_total\\{outcome=\"posted\"} [1-9]");

        team(-7002, "Link team", "https://example.com/offer", "17841400000000002", "token-link-0002", 50);
        long linked = fire(-7002);
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-7002).size() == 1);
        assertThat(graph.published()).noneMatch(p -> p.accountId().equals("17841400000000002"));
        assertThat(bot.db.column("SELECT state || ' ' || route FROM posting_queue WHERE id = ?", linked)).containsExactly("notified telegram");
        assertThat(photos(-7002).get(0).getJsonObject("reply_markup").encode()).contains("🤖 Auto post");
    }

    @Test
    @DisplayName("D29: a 10 s MP4 becomes a video_url STORIES container, fetched by range from the signed URL, published once it "
            + "FINISHED after polls of IN_PROGRESS; without an account it goes to the chat with sendVideo, streaming, and its buttons")
    void video() {
        graph.videoProcessingPolls(4);
        team(-7020, "Video team", null, "17841400000000020", "token-video-0020", 50, true);
        long queueId = fire(-7020);
        await().atMost(Duration.ofSeconds(20)).until(() -> "posted instagram false".equals(historyOf(queueId)));

        List<FakeGraph.Published> published = graph.published().stream().filter(p -> p.accountId().equals("17841400000000020")).toList();
        assertThat(published).hasSize(1);
        String url = published.get(0).imageUrl();
        assertThat(url).contains("/media/").contains(".mp4?expires=");
        long size = (Long) bot.db.column("SELECT file_size FROM media_items WHERE tenant_id = -7020").get(0);
        assertThat(graph.fetches()).anySatisfy(f -> {
            assertThat(f.url()).isEqualTo(url);
            assertThat(f.contentRange()).as("the first read is a range").isEqualTo("bytes 0-15/" + size);
            assertThat(f.video()).isTrue();
            assertThat(f.contentType()).isEqualTo("video/mp4");
            assertThat(f.bytes()).isEqualTo((int) size);
        });
        assertThat(Http.get(port, url.substring(url.indexOf("/media/"))).status()).as("the hosted copy is removed").isEqualTo(404);
        assertThat(bot.fake.calls("sendVideo")).noneMatch(c -> c.chatId() != null && c.chatId() == -7020);

        team(-7021, "Chat video team", null, null, null, 0, true);
        long manual = fire(-7021);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.messagesIn(-7021).stream().anyMatch(m -> m.containsKey("video")));
        FakeTelegram.Call sent = bot.fake.calls("sendVideo").stream().filter(c -> c.chatId() != null && c.chatId() == -7021).findFirst()
                .orElseThrow();
        assertThat(sent.params().getValue("supports_streaming")).hasToString("true");
        assertThat(sent.params().getValue("duration")).hasToString("10");
        assertThat(bot.fake.calls("sendPhoto")).noneMatch(c -> c.chatId() != null && c.chatId() == -7021);
        JsonObject story = bot.fake.messagesIn(-7021).stream().filter(m -> m.containsKey("video")).findFirst().orElseThrow();
        assertThat(story.getString("caption")).contains("Sunset Chat video team");
        bot.press(-7021, ADMIN_OF_GROUP, story, "✅ Posted");
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted telegram false".equals(historyOf(manual)));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-7021, story.getLong("message_id")).getString("caption")
                .contains("✅ POSTED"));
    }

    @Test
    @DisplayName("a story with a link whose metadata says requires_interaction: false goes to Instagram (without the link)")
    void explicitlyAutomatic() {
        Path folder = dataDir.resolve("media/-7014");
        TestImages.write(folder.resolve("story.jpg"), "jpg", 1080, 1920, new Color(20, 90, 200));
        TestImages.text(folder.resolve("story.json"), new JsonObject().put("title", "Linked but automatic")
                .put("link", "https://example.com/sale").put("requires_interaction", false).encode());
        bot.db.insertTenant(-7014, "Explicit team", "approved", false);
        bot.db.execute("UPDATE tenants SET enable_instagram = true WHERE id = -7014");
        graph.account("17841400000000014", "team7014", "token-explicit-0014", bot.clock.instant().plus(Duration.ofDays(50)).getEpochSecond());
        TOKENS.add("token-explicit-0014");
        assertThat(Http.post(port, "/admin/tenants/-7014/instagram", ADMIN_TOKEN, new JsonObject().put("accountId", "17841400000000014")
                .put("token", "token-explicit-0014").encode()).status()).isEqualTo(200);
        bus().indexMedia(new MediaIndexRequest(-7014, null, Trigger.CLI, null)).await();
        bus().tenantChanged(new TenantChanged(-7014, "test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = -7014 "
                + "AND media_item_id IS NOT NULL") > 0);
        assertThat(Http.get(port, "/admin/tenants/-7014/queue", ADMIN_TOKEN).json().getJsonArray("queue").getJsonObject(0)
                .getString("route")).isEqualTo("instagram");
        long queueId = fire(-7014);
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram false".equals(historyOf(queueId)));
        assertThat(graph.published()).anyMatch(p -> p.accountId().equals("17841400000000014"));
        assertThat(photos(-7014)).isEmpty();
    }

    @Test
    @DisplayName("at start, leftovers of a crash older than 2 hours are swept from hosted/ and instagram-work/; a fresh copy stays")
    void sweepsLeftovers() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !java.nio.file.Files.exists(dataDir.resolve("hosted/old.jpg"))
                && !java.nio.file.Files.exists(dataDir.resolve("instagram-work/publish-1-old.jpg")));
        assertThat(dataDir.resolve("hosted/fresh.jpg")).exists();
    }

    @Test
    @DisplayName("a media_publish that succeeds at Instagram but whose answer is lost is not published again: the container says PUBLISHED")
    void lostAnswer() {
        team(-7003, "Lost team", null, "17841400000000003", "token-lost-0003", 50);
        graph.loseNextPublishAnswer();
        long queueId = fire(-7003);
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram false".equals(historyOf(queueId)));
        List<FakeGraph.Published> published = graph.published().stream().filter(p -> p.accountId().equals("17841400000000003")).toList();
        assertThat(published).hasSize(1);
        String mediaId = published.get(0).mediaId();
        String permalink = "https://www.instagram.com/stories/team7003/" + mediaId + "/";
        assertThat(bot.db.column("SELECT instagram_media_id || ' ' || instagram_permalink FROM posting_history WHERE queue_item_id = ?",
                queueId)).as("the media id and permalink are found among the account's stories").containsExactly(mediaId + " " + permalink);
        assertThat(photos(-7003)).isEmpty();

        // the three read-outs: the admin API, /history in the chat, and the CLI
        JsonObject line = Http.get(port, "/admin/tenants/-7003/history", ADMIN_TOKEN).json().getJsonArray("history").getJsonObject(0);
        assertThat(line.getString("route")).isEqualTo("instagram");
        assertThat(line.getString("by")).isEqualTo("Storyline");
        assertThat(line.getString("instagramMediaId")).isEqualTo(mediaId);
        assertThat(line.getString("permalink")).isEqualTo(permalink);
        bot.fake.userSends(FakeTelegram.group(-7003, "Lost team"), MEMBER, "/history");
        assertThat(bot.awaitMessage(-7003, t -> t.startsWith("🗂")).getString("text")).contains("posted: Sunset Lost team by Storyline via Instagram");
        assertThat(bot.fake.calls("sendMessage").stream().filter(c -> c.params().getString("text", "").startsWith("🗂"))
                .map(c -> c.params().getString("text"))).as("the link behind 'link'").anyMatch(t -> t.contains("href=\"" + permalink));
        java.io.StringWriter out = new java.io.StringWriter();
        int exit = dev.storyline.cli.Cli.run(new String[] {"history", "--tenant", "-7003"}, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true), dev.storyline.config.ConfigLoader.Sources.isolated(dataDir,
                        new JsonObject().put("DATABASE_URL", bot.db.url())));
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("instagram").contains("Storyline").contains(permalink);
    }

    @Test
    @DisplayName("a container that another attempt publishes while this one waits for it is this story's publish, not a reason "
            + "to send it to the chat")
    void publishedMeanwhile() {
        team(-7012, "Meanwhile team", null, "17841400000000012", "token-meanwhile-0012", 50);
        long queueId = (Long) bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = -7012 AND media_item_id IS NOT NULL "
                + "ORDER BY due_at LIMIT 1").get(0);
        // FINISHED when the stale claim is resumed, PUBLISHED at the next read: an earlier owner's media_publish landed meanwhile
        String container = graph.container("17841400000000012", "FINISHED", "PUBLISHED");
        OffsetDateTime now = OffsetDateTime.ofInstant(bot.clock.instant(), ZoneOffset.UTC);
        bot.db.execute("UPDATE posting_queue SET state = 'publishing', route = 'instagram', due_at = ?, claimed_at = ?, claim_token = 1, "
                + "instagram_container_id = ? WHERE id = ?", now, now.minus(DispatchVerticle.STALE_CLAIM.plusMinutes(1)), container, queueId);
        await().atMost(Duration.ofSeconds(15)).until(() -> "posted instagram false".equals(historyOf(queueId)));
        List<FakeGraph.Published> published = graph.published().stream().filter(p -> p.accountId().equals("17841400000000012")).toList();
        assertThat(published).extracting(FakeGraph.Published::containerId).containsExactly(container);
        assertThat(bot.db.column("SELECT instagram_media_id FROM posting_history WHERE queue_item_id = ?", queueId))
                .containsExactly(published.get(0).mediaId());
        assertThat(photos(-7012)).as("nothing for a person to post twice").isEmpty();
    }

    @Test
    @DisplayName("🤖 Auto post whose outcome stays unknown keeps its container: pressed again, it finds the story published and "
            + "publishes nothing twice")
    void autoPostUnknownOutcome() {
        team(-7013, "Unknown team", "https://example.com/u", "17841400000000013", "token-unknown-0013", 50);
        long queueId = fire(-7013);
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-7013).size() == 1);
        long messageId = photos(-7013).get(0).getLong("message_id");
        graph.loseNextPublishAnswer(1);
        String first = bot.fake.userPresses(-7013, ADMIN_OF_GROUP, messageId, "1:i:" + queueId);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.answer(first) != null);
        assertThat(bot.awaitMessage(-7013, t -> t.startsWith("🤖 Instagram did not publish")).getString("text"))
                .contains("It may be live already");
        List<Object> kept = bot.db.column("SELECT state || ' ' || coalesce(instagram_container_id, '-') FROM posting_queue WHERE id = ?",
                queueId);
        String container = graph.published().stream().filter(p -> p.accountId().equals("17841400000000013")).findFirst()
                .orElseThrow().containerId();
        assertThat(kept).as("back to its buttons, the container kept").containsExactly("notified " + container);

        String again = bot.fake.userPresses(-7013, ADMIN_OF_GROUP, messageId, "1:i:" + queueId);
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram false".equals(historyOf(queueId)));
        assertThat(bot.fake.answer(again).getString("text")).contains("Publishing to Instagram");
        List<FakeGraph.Published> published = graph.published().stream().filter(p -> p.accountId().equals("17841400000000013")).toList();
        assertThat(published).as("one publish, found again through the stored container").hasSize(1);
        assertThat(bot.db.column("SELECT instagram_media_id FROM posting_history WHERE queue_item_id = ?", queueId))
                .containsExactly(published.get(0).mediaId());
    }

    @Test
    @DisplayName("after a crash mid-publish the stored container decides: PUBLISHED is recorded, FINISHED is published once, nothing twice")
    void crashMidPublish() {
        team(-7011, "Crash team", null, "17841400000000011", "token-crash-0011", 50);
        TestImages.write(dataDir.resolve("media/-7011/second.jpg"), "jpg", 1080, 1920, Color.CYAN);
        bus().indexMedia(new MediaIndexRequest(-7011, null, Trigger.CLI, null)).await();
        bus().plan(-7011, null, Trigger.CLI).await();
        List<Object> slots = bot.db.column("SELECT id FROM posting_queue WHERE tenant_id = -7011 AND media_item_id IS NOT NULL "
                + "ORDER BY due_at LIMIT 2");
        assertThat(slots).hasSize(2);
        String published = graph.container("17841400000000011", "PUBLISHED");
        String finished = graph.container("FINISHED");
        OffsetDateTime now = OffsetDateTime.ofInstant(bot.clock.instant(), ZoneOffset.UTC);
        // as a process that died after media_publish (first) and before it (second) left them
        bot.db.execute("UPDATE posting_queue SET state = 'publishing', route = 'instagram', due_at = ?, claimed_at = ?, "
                + "instagram_container_id = CASE WHEN id = ? THEN ? ELSE ? END WHERE id IN (?, ?)", now,
                now.minus(DispatchVerticle.STALE_CLAIM.plusMinutes(1)),
                slots.get(0), published, finished, slots.get(0), slots.get(1));
        await().atMost(Duration.ofSeconds(15)).until(() -> "posted instagram false".equals(historyOf((Long) slots.get(0)))
                && "posted instagram false".equals(historyOf((Long) slots.get(1))));
        List<FakeGraph.Published> publishes = graph.published().stream().filter(p -> p.accountId().equals("17841400000000011")).toList();
        assertThat(publishes).extracting(FakeGraph.Published::containerId).as("the first by the process that died, the second now")
                .containsExactly(published, finished);
        assertThat(bot.db.column("SELECT instagram_media_id FROM posting_history WHERE queue_item_id = ?", slots.get(0)))
                .as("the recovered publish has its media id").containsExactly(publishes.get(0).mediaId());
    }

    @Test
    @DisplayName("rate limits retry after 5, 10, 20 minutes and then the story reaches the chat; a full quota delays too")
    void rateLimits() {
        team(-7004, "Busy team", null, "17841400000000004", "token-busy-0004", 50);
        graph.failNext("17841400000000004/media", 4, 400, 4, "Application request limit reached");
        long queueId = fire(-7004);
        Instant due = bot.clock.instant();
        for (int retry = 1; retry <= 3; retry++) {
            Instant expected = bot.clock.instant().plus(Duration.ofMinutes(5L << (retry - 1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ? "
                    + "AND state = 'planned' AND due_at = ?", queueId, OffsetDateTime.ofInstant(expected, ZoneOffset.UTC)) == 1);
            assertThat(bot.db.column("SELECT last_error FROM posting_queue WHERE id = ?", queueId).get(0)).asString()
                    .contains("Instagram").contains("(code 4)");
            bot.clock.set(expected);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-7004).size() == 1);
        assertThat(photos(-7004).get(0).getString("caption")).contains("Instagram could not publish it");
        assertThat(bot.db.column("SELECT state || ' ' || route FROM posting_queue WHERE id = ?", queueId)).containsExactly("notified telegram");
        assertThat(graph.published().stream().filter(p -> p.accountId().equals("17841400000000004"))).isEmpty();
        assertThat(due).isBefore(bot.clock.instant());

        team(-7005, "Quota team", null, "17841400000000005", "token-quota-0005", 50);
        graph.quota(25, 25);
        long quota = fire(-7005);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE id = ? "
                + "AND state = 'planned' AND last_error LIKE '%quota is used up (25 of 25)%'", quota) == 1);
        graph.quota(3, 25);
        bot.clock.set(bot.clock.instant().plus(Duration.ofMinutes(5)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram false".equals(historyOf(quota)));
    }

    @Test
    @DisplayName("an expired token stops the route for the tenant, alerts the admin once, and its stories reach the chat")
    void tokenTrouble() {
        team(-7006, "Expired team", null, "17841400000000006", "token-expired-0006", 50);
        graph.expireToken("token-expired-0006");
        long first = fire(-7006);
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-7006).size() == 1);
        assertThat(photos(-7006).get(0).getString("caption")).contains("Instagram could not publish it").contains("code 190");
        assertThat(bot.db.column("SELECT token_status FROM instagram_accounts WHERE tenant_id = -7006")).containsExactly("invalid");
        assertThat(bot.db.column("SELECT state FROM posting_queue WHERE id = ?", first)).containsExactly("notified");

        TestImages.write(dataDir.resolve("media/-7006/second.jpg"), "jpg", 1080, 1920, Color.PINK);
        bus().indexMedia(new MediaIndexRequest(-7006, null, Trigger.CLI, null)).await();
        bus().plan(-7006, null, Trigger.CLI).await();
        fire(-7006);
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-7006).size() == 2);
        assertThat(photos(-7006).get(1).getString("caption")).contains("Instagram is paused (token invalid");
        assertThat(bot.db.count("SELECT count(*) FROM alerts WHERE alert_key = 'instagram-token:-7006'")).isEqualTo(1);
        // the admin chat's message is in the outbox, once; when it arrives depends on how many alerts the other tests' clock jumps
        // queued for that one chat before it (Telegram allows a group 20 messages a minute), so the test does not wait for it
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM outbox_messages WHERE chat_id = ? "
                + "AND params::text LIKE '%Instagram token of tenant -7006%'", TestConfig.ADMIN_CHAT) == 1);

        bot.fake.userSends(FakeTelegram.group(-7006, "Expired team"), MEMBER, "/status");
        assertThat(bot.awaitMessage(-7006, t -> t.startsWith("📊")).getString("text")).contains("Instagram: on · @team7006, token invalid");
    }

    @Test
    @DisplayName("the daily check refreshes a token with 5 days left and stores the new expiry; /settings shows it")
    void refresh() {
        JsonObject group = team(-7007, "Fresh team", null, "17841400000000007", "token-fresh-0007", 65);
        bot.fake.userSends(group, MEMBER, "/settings");
        assertThat(bot.awaitMessage(-7007, t -> t.startsWith("⚙️")).getString("text"))
                .contains("Instagram: on · @team7007, token valid (65 days)");
        long before = graph.refreshes();
        // 60 days on: the token has 5 days left (the account's expiry moves, not the clock every other test shares)
        Instant now = bot.clock.instant();
        bot.db.execute("UPDATE instagram_accounts SET token_expires_at = ? WHERE tenant_id = -7007",
                OffsetDateTime.ofInstant(now.plus(Duration.ofDays(5)), ZoneOffset.UTC));
        await().atMost(Duration.ofSeconds(10)).until(() -> graph.refreshes() > before && bot.db.count(
                "SELECT count(*) FROM instagram_accounts WHERE tenant_id = -7007 AND token_expires_at = ?",
                OffsetDateTime.ofInstant(now.plusSeconds(5_184_000), ZoneOffset.UTC)) == 1);
        TOKENS.add(graph.lastIssuedToken());
        assertThat(bot.db.column("SELECT status FROM service_runs WHERE service = 'instagram.token_refresh' AND tenant_id = -7007"))
                .contains("completed");
        assertThat(graph.secretsInUrls()).as("tokens and the app secret travel in headers and bodies, never in a URL").isEmpty();
        bot.fake.userSends(group, MEMBER, "/status");
        assertThat(bot.awaitMessage(-7007, t -> t.startsWith("📊")).getString("text")).contains("token valid (60 days)");
    }

    @Test
    @DisplayName("🤖 Auto post: only administrators; the story is published and the caption says so")
    void autoPost() {
        team(-7008, "Button team", "https://example.com/x", "17841400000000008", "token-button-0008", 50);
        long queueId = fire(-7008);
        await().atMost(Duration.ofSeconds(10)).until(() -> photos(-7008).size() == 1);
        long messageId = photos(-7008).get(0).getLong("message_id");
        String refused = bot.fake.userPresses(-7008, MEMBER, messageId, "1:i:" + queueId);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.answer(refused) != null);
        assertThat(bot.fake.answer(refused).getString("text")).contains("Only the chat's administrators");

        String press = bot.fake.userPresses(-7008, ADMIN_OF_GROUP, messageId, "1:i:" + queueId);
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.answer(press) != null);
        assertThat(bot.fake.answer(press).getString("text")).contains("Publishing to Instagram");
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram false".equals(historyOf(queueId)));
        assertThat(bot.db.column("SELECT acted_by FROM posting_history WHERE queue_item_id = ?", queueId)).containsExactly(ADMIN_OF_GROUP.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.fake.message(-7008, messageId).getString("caption")
                .contains("POSTED to Instagram by @ada"));
        bot.fake.userSends(FakeTelegram.group(-7008, "Button team"), MEMBER, "/stats");
        assertThat(bot.awaitMessage(-7008, t -> t.startsWith("📈")).getString("text")).as("an Auto post is Instagram's, not the presser's")
                .contains("🤖 Instagram").doesNotContain("@ada");
    }

    @Test
    @DisplayName("in a dry run the publish is simulated: the chat is told, history records dry_run, nothing reaches Instagram")
    void dryRun() {
        team(-7009, "Dry team", null, "17841400000000009", "token-dry-0009", 50);
        bot.db.execute("UPDATE tenants SET dry_run = true WHERE id = -7009");
        bot.db.execute("UPDATE posting_queue SET dry_run = true WHERE tenant_id = -7009");
        long queueId = fire(-7009);
        await().atMost(Duration.ofSeconds(10)).until(() -> "posted instagram true".equals(historyOf(queueId)));
        bot.awaitMessage(-7009, t -> t.startsWith("🧪 DRY RUN: Sunset Dry team would have been published to Instagram"));
        assertThat(graph.published()).noneMatch(p -> p.accountId().equals("17841400000000009"));
        assertThat(bot.db.count("SELECT count(*) FROM media_locks WHERE tenant_id = -7009")).isZero();
    }

    @Test
    @DisplayName("tokens are unreadable in the database; the admin API checks the token with Instagram and validates input")
    void secrets() {
        team(-7010, "Secret team", null, "17841400000000010", "token-secret-0010", 50);
        List<Object> stored = bot.db.column("SELECT encode(token_ciphertext, 'escape') FROM instagram_accounts WHERE tenant_id = -7010");
        assertThat(String.valueOf(stored.get(0))).doesNotContain("token-secret");

        assertThat(Http.post(port, "/admin/tenants/-7010/instagram", ADMIN_TOKEN, "{\"accountId\": \"1\"}").status()).isEqualTo(400);
        assertThat(Http.post(port, "/admin/tenants/-7010/instagram", null, "{}").status()).isEqualTo(401);
        Http.Response refused = Http.post(port, "/admin/tenants/-7010/instagram", ADMIN_TOKEN,
                new JsonObject().put("accountId", "17841400000000010").put("token", "not-a-known-token").encode());
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().getString("error")).isEqualTo("instagram_token_invalid");
        Http.Response unknown = Http.post(port, "/admin/tenants/-7999/instagram", ADMIN_TOKEN,
                new JsonObject().put("accountId", "1").put("token", "x").encode());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(Http.get(port, "/admin/tenants/-7010/instagram", ADMIN_TOKEN).json().getString("token")).startsWith("token valid (");
        // a row as an older Storyline stored it (no key id, no associated data) is read, and sealed again in the new form
        TokenCipher cipher = TokenCipher.of(dev.storyline.config.Secret.of(KEY)).orElseThrow();
        bot.db.execute("UPDATE instagram_accounts SET token_ciphertext = ? WHERE tenant_id = -7010",
                (Object) cipher.encryptLegacy("token-secret-0010"));
        io.vertx.core.Vertx own = io.vertx.core.Vertx.vertx();
        try {
            InstagramAccountRepository accounts = new InstagramAccountRepository(bot.db.pool(own), java.util.Optional.of(cipher));
            assertThat(accounts.token(-7010).await().reveal()).isEqualTo("token-secret-0010");
            byte[] resealed = (byte[]) bot.db.column("SELECT token_ciphertext FROM instagram_accounts WHERE tenant_id = -7010").get(0);
            assertThat(resealed[0]).as("sealed again in the new form").isEqualTo((byte) 2);
            assertThat(cipher.decrypt(resealed, -7010, "17841400000000010").legacy()).isFalse();
        } finally {
            own.close().await();
        }
        Http.Response refreshed = Http.post(port, "/admin/tenants/-7010/instagram/refresh", ADMIN_TOKEN, null);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(refreshed.json().getString("token")).isEqualTo("token valid (60 days)");
        TOKENS.add(graph.lastIssuedToken());
        byte[] sealed = (byte[]) bot.db.column("SELECT token_ciphertext FROM instagram_accounts WHERE tenant_id = -7010").get(0);
        assertThat(sealed[0]).as("the new form").isEqualTo((byte) 2);
        assertThat(cipher.decrypt(sealed, -7010, "17841400000000010").token().reveal()).isEqualTo(graph.lastIssuedToken());
        assertThatThrownByOther(cipher, sealed);

    }

    /** The sealed token does not open as another tenant's. */
    private static void assertThatThrownByOther(TokenCipher cipher, byte[] sealed) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cipher.decrypt(sealed, -7011, "17841400000000010"))
                .isInstanceOf(TokenCipher.KeyMismatch.class);
    }
}
