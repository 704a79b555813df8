package dev.storyline.bot;

import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestImages;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.storyline.testing.BotHarness.ADMIN_OF_GROUP;
import static dev.storyline.testing.BotHarness.MEMBER;
import static org.assertj.core.api.Assertions.assertThat;

/** Images sent to the bot join the tenant's library (D4, issue 4 point 5), against the fake Bot API. */
class LibraryBotIT {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path files;
    private static BotHarness bot;

    @BeforeAll
    static void start() {
        bot = new BotHarness(dataDir, new JsonObject().put("TENANT_REGISTRATION", "open"));
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    private static JsonObject registeredGroup(long id, String title) {
        JsonObject group = FakeTelegram.group(id, title);
        bot.fake.userSends(group, ADMIN_OF_GROUP, "/start");
        bot.awaitMessage(id, t -> t.contains("registered") || t.contains("Storyline"));
        return group;
    }

    private static long documentsFetched() {
        return bot.fake.calls("getFile").stream().filter(c -> c.params().getString("file_id").startsWith("doc-")).count();
    }

    private static List<Object> column(String sql, Object... params) {
        return bot.db.column(sql, params);
    }

    @Test
    @DisplayName("a captioned photo becomes an item with title, link and tags; sending it again is a duplicate")
    void photoWithCaption() throws Exception {
        JsonObject group = registeredGroup(-3001, "Photo team");
        Path photo = TestImages.write(files.resolve("sunset.jpg"), "jpg", 1080, 1920, Color.ORANGE);

        bot.fake.userSendsPhoto(group, MEMBER, photo, "Sunset | https://shop.example/p/1 | #summer #sale");

        JsonObject reply = bot.awaitMessage(-3001, t -> t.contains("Added"));
        assertThat(reply.getString("text")).isEqualTo("📥 Added Sunset to the library (1 item).");
        assertThat(column("SELECT title || '|' || link || '|' || array_to_string(tags, ',') || '|' || requires_interaction"
                + " || '|' || source || '|' || added_by || '|' || category FROM media_items WHERE tenant_id = -3001"))
                .containsExactly("Sunset|https://shop.example/p/1|summer,sale|true|telegram|" + MEMBER.id() + "|telegram");
        Path stored = Path.of((String) column("SELECT path FROM media_items WHERE tenant_id = -3001").get(0));
        assertThat(stored).startsWith(dataDir.resolve("media").resolve("-3001").resolve("telegram"));
        assertThat(Files.readAllBytes(stored)).isEqualTo(Files.readAllBytes(photo));
        assertThat(column("SELECT service || ' ' || trigger || ' ' || status FROM service_runs WHERE tenant_id = -3001 "
                + "AND service LIKE 'media.%'"))
                .containsExactly("media.upload telegram completed");

        bot.fake.userSendsPhoto(group, ADMIN_OF_GROUP, photo, "Another name");

        bot.awaitMessage(-3001, t -> t.equals("♻️ Already in the library as Sunset."));
        assertThat(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = -3001")).isEqualTo(1);
        try (Stream<Path> left = Files.list(stored.getParent())) {
            assertThat(left.filter(p -> !p.getFileName().toString().startsWith("."))).containsExactly(stored);
        }
        assertThat(stored.resolveSibling(".incoming")).as("nothing left behind by the refused copy").isEmptyDirectory();
    }

    @Test
    @DisplayName("a PDF or a huge file is refused with the reason before any download; a broken image after it")
    void refusals() {
        JsonObject group = registeredGroup(-3002, "Careful team");
        long documentsFetchedBefore = documentsFetched();
        Path pdf = TestImages.text(files.resolve("price-list.pdf"), "%PDF-1.7 not an image");

        bot.fake.userSendsDocument(group, MEMBER, pdf, "price-list.pdf", "application/pdf", 21);
        bot.awaitMessage(-3002, t -> t.equals("🚫 price-list.pdf is not an image or video I can use (application/pdf): "
                + "send a JPEG, PNG, GIF or WebP image, or an MP4 or MOV video."));

        bot.fake.userSendsDocument(group, MEMBER, pdf, "poster.png", "image/png", 30L * 1024 * 1024);
        bot.awaitMessage(-3002, t -> t.startsWith("🚫 poster.png is too large (30.0 MB)"));
        assertThat(documentsFetched()).as("refused before any download").isEqualTo(documentsFetchedBefore);

        Path fake = TestImages.text(files.resolve("fake.png"), "this is text with a .png name");
        bot.fake.userSendsDocument(group, MEMBER, fake, "fake.png", "image/png", 29);
        bot.awaitMessage(-3002, t -> t.equals("🚫 Not added: it is not a JPEG, PNG, GIF or WebP image I can read."));
        bot.fake.failNext("getFile", 1, 400, "Bad Request: file is too big", null);
        bot.fake.userSendsPhoto(group, MEMBER, TestImages.write(files.resolve("ok.jpg"), "jpg", 1080, 1920, Color.RED), null);
        bot.awaitMessage(-3002, t -> t.startsWith("🚫 Not added: Telegram would not hand the file over") && t.contains("file is too big"));
        assertThat(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = -3002")).isZero();
        assertThat(dataDir.resolve("media/-3002/telegram/.incoming")).isEmptyDirectory();
    }

    @Test
    @DisplayName("a 20000×20000 PNG sent as a document is refused with its size and the limit; the bot goes on answering")
    void decompressionBomb() {
        JsonObject group = registeredGroup(-3006, "Bomb team");
        Path bomb = TestImages.hugePng(files.resolve("bomb.png"), 20_000, 20_000);

        bot.fake.userSendsDocument(group, MEMBER, bomb, "bomb.png", "image/png", 0);

        bot.awaitMessage(-3006, t -> t.equals("🚫 Not added: too large: 20000×20000, the limit is 50 MP."));
        assertThat(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = -3006")).isZero();
        assertThat(dataDir.resolve("media/-3006/telegram/.incoming")).isEmptyDirectory();
        bot.fake.userSends(group, MEMBER, "/library");
        bot.awaitMessage(-3006, t -> t.contains("Library") && t.contains("0 active"));
    }

    @Test
    @DisplayName("an image file (document) is added, its warnings said; /library and /status show the counts")
    void documentAndLibrary() {
        JsonObject group = registeredGroup(-3003, "Library team");
        Path small = TestImages.write(files.resolve("small.png"), "png", 640, 480, Color.CYAN);
        Path story = TestImages.write(files.resolve("story.gif"), "gif", 1080, 1920, Color.PINK);

        bot.fake.userSendsDocument(group, MEMBER, small, "small.png", "image/png", 0);
        JsonObject added = bot.awaitMessage(-3003, t -> t.startsWith("📥 Added"));
        assertThat(added.getString("text")).isEqualTo("📥 Added small to the library (1 item)."
                + "\n⚠️ Low resolution: 640x480. Minimum recommended: 720x1280");
        bot.fake.userSendsPhoto(group, MEMBER, story, "Spring launch");
        bot.awaitMessage(-3003, t -> t.contains("Spring launch") && t.contains("(2 items)"));

        bot.fake.userSends(group, MEMBER, "/library");
        JsonObject library = bot.awaitMessage(-3003, t -> t.contains("Library"));
        assertThat(library.getString("text")).contains("2 active, 2 never posted, 0 locked, 1 with warnings")
                .contains("• Spring launch").contains("• small");
        assertThat(library.getString("text").indexOf("Spring launch")).as("newest first")
                .isLessThan(library.getString("text").indexOf("• small"));

        bot.fake.userSends(group, MEMBER, "/status");
        assertThat(bot.awaitMessage(-3003, t -> t.startsWith("📊")).getString("text"))
                .contains("Library: 2 active, 2 never posted, 0 locked, 1 with warnings");
    }

    @Test
    @DisplayName("nothing is added in a chat that is not an approved tenant")
    void onlyApprovedTenants() {
        bot.db.insertTenant(-3004L, "Waiting team", "pending", false);
        Path photo = TestImages.write(files.resolve("waiting.jpg"), "jpg", 1080, 1920, Color.RED);

        bot.fake.userSendsPhoto(FakeTelegram.group(-3004, "Waiting team"), MEMBER, photo, "Nope");
        bot.fake.userSendsPhoto(FakeTelegram.group(-3005, "Stranger group"), MEMBER, photo, "Nope");
        bot.awaitHandled();

        assertThat(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id IN (-3004, -3005)")).isZero();
        assertThat(bot.fake.messagesIn(-3004)).isEmpty();
        assertThat(bot.fake.messagesIn(-3005)).isEmpty();
        assertThat(bot.fake.calls("getFile")).noneMatch(c -> c.params().getString("file_id").equals("never"));
        assertThat(bot.fake.calls("download")).allSatisfy(c -> assertThat(c.params().getString("path")).doesNotContain("waiting"));
    }

    @Test
    @DisplayName("D29, D27: a 10 s video joins the library in the category its #tag names; a 90 s one sent as a file is refused with the reason")
    void videos() throws Exception {
        JsonObject group = registeredGroup(-3007, "Video team");
        bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, category) "
                + "VALUES (-3007, '/m/-3007/memes/a.jpg', 'folder', 'h-memes', 1, 'image/jpeg', 'memes')");
        Path clip = dev.storyline.testing.TestVideos.mp4(files.resolve("clip.mp4"), 10);

        bot.fake.userSendsVideo(group, MEMBER, clip, "Teaser | #Memes #launch", 10);

        assertThat(bot.awaitMessage(-3007, t -> t.startsWith("📥")).getString("text"))
                .isEqualTo("📥 Added Teaser to the library as memes (2 items).");
        assertThat(column("SELECT mime_type || ' ' || duration_ms || ' ' || video_codec || ' ' || category || ' ' || (path LIKE '%.mp4') "
                + "FROM media_items WHERE tenant_id = -3007 AND source = 'telegram'")).containsExactly("video/mp4 10000 H.264 memes true");

        Path longer = dev.storyline.testing.TestVideos.mp4(files.resolve("long.mp4"), 90);
        bot.fake.userSendsDocument(group, MEMBER, longer, "long.mp4", "video/mp4", 0);
        bot.awaitMessage(-3007, t -> t.equals("🚫 Not added: too long: 90.0 s; a story video lasts 3–60 s."));
        assertThat(bot.db.count("SELECT count(*) FROM media_items WHERE tenant_id = -3007")).isEqualTo(2);

        bot.fake.userSends(group, MEMBER, "/library");
        assertThat(bot.awaitMessageContaining(-3007, "🖼").getString("text")).contains("1 image · 1 video", "Categories: memes 2");
    }
}
