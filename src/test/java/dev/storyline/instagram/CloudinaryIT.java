package dev.storyline.instagram;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.TenantChanged;
import dev.storyline.config.AppConfig;
import dev.storyline.run.Trigger;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeCloudinary;
import dev.storyline.testing.FakeGraph;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code MEDIA_HOSTING=cloudinary}: a PNG story is converted, uploaded with a signed request, fetched by Graph, and destroyed. */
class CloudinaryIT {
    private static final String KEY = TokenCipherTest.key();
    @TempDir
    static Path dataDir;
    private static BotHarness bot;
    private static FakeGraph graph;
    private static FakeCloudinary cloudinary;

    @BeforeAll
    static void start() throws Exception {
        graph = new FakeGraph();
        cloudinary = new FakeCloudinary("cloud-key", "cloud-secret");
        // left behind by a process that died between upload and destroy: one two days old, one of a minute ago
        cloudinary.uploadedEarlier("storyline/left-behind", Instant.now().minus(Duration.ofDays(2)));
        cloudinary.uploadedEarlier("storyline/in-use", Instant.now().minusSeconds(60));
        bot = new BotHarness(dataDir, new JsonObject().put("ENCRYPTION_KEY", KEY)
                .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION)
                .put("FACEBOOK_APP_ID", "4242").put("FACEBOOK_APP_SECRET", "s")
                .put("MEDIA_HOSTING", "cloudinary").put("CLOUDINARY_CLOUD_NAME", "demo").put("CLOUDINARY_API_KEY", "cloud-key")
                .put("CLOUDINARY_API_SECRET", "cloud-secret").put("CLOUDINARY_API_BASE_URL", cloudinary.baseUrl()),
                Instant.now().truncatedTo(ChronoUnit.HOURS),
                config -> TestConfig.withInstagramTiming(TestConfig.withSweep(config, Duration.ofMillis(200)),
                        new AppConfig.InstagramTiming(Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofMinutes(5))));
    }

    @AfterAll
    static void stop() {
        bot.close();
        graph.close();
        cloudinary.close();
    }

    @Test
    @DisplayName("at start, copies older than a day are destroyed (a crash between upload and destroy); younger ones stay")
    void sweepsLeftovers() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloudinary.isHosted("storyline/left-behind"));
        assertThat(cloudinary.isHosted("storyline/in-use")).isTrue();
        assertThat(cloudinary.badSignatures()).isZero();
    }

    @Test
    @DisplayName("a PNG is published through Cloudinary: converted to JPEG, signed upload, fetched by Instagram, destroyed after")
    void publishesThroughCloudinary() throws Exception {
        long id = -7101;
        BufferedImage png = new BufferedImage(540, 960, BufferedImage.TYPE_INT_ARGB);
        Files.createDirectories(dataDir.resolve("media/" + id));
        javax.imageio.ImageIO.write(png, "png", dataDir.resolve("media/" + id + "/story.png").toFile());
        bot.db.insertTenant(id, "Cloud team", "approved", false);
        bot.db.execute("UPDATE tenants SET enable_instagram = true WHERE id = ?", id);
        graph.account("17841400000000201", "cloudteam", "token-cloud-0201", 0);
        EventBusClient bus = new EventBusClient(bot.app().vertx(), Duration.ofSeconds(30));
        long draft = new InstagramAccountRepository(bot.db.pool(bot.app().vertx()), TokenCipher.of(dev.storyline.config.Secret.of(KEY)))
                .draft(id, "17841400000000201", dev.storyline.config.Secret.of("token-cloud-0201")).await();
        bus.instagramConnect(new dev.storyline.bus.InstagramConnect(id, draft, null)).await();
        bus.indexMedia(new MediaIndexRequest(id, null, Trigger.CLI, null)).await();
        bus.tenantChanged(new TenantChanged(id, "test"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id = ? "
                + "AND media_item_id IS NOT NULL", id) > 0);
        assertThat(bot.db.column("SELECT token_expires_at IS NULL FROM instagram_accounts WHERE tenant_id = ?", id))
                .as("expires_at = 0: never expires").containsExactly(true);

        bot.clock.set(((java.sql.Timestamp) bot.db.column("SELECT min(due_at) FROM posting_queue WHERE tenant_id = ? "
                + "AND media_item_id IS NOT NULL", id).get(0)).toInstant());
        await().atMost(Duration.ofSeconds(10)).until(() -> bot.db.count("SELECT count(*) FROM posting_history WHERE tenant_id = ? "
                + "AND outcome = 'posted' AND route = 'instagram'", id) == 1);
        assertThat(graph.fetches()).singleElement().satisfies(f -> {
            assertThat(f.url()).startsWith(cloudinary.baseUrl() + "/res/storyline/");
            assertThat(f.jpeg()).as("converted from PNG").isTrue();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> cloudinary.uploads() == 1 && cloudinary.hostedNow() == 1);
        assertThat(cloudinary.isHosted("storyline/in-use")).as("only the young leftover of the test remains").isTrue();
        assertThat(cloudinary.badSignatures()).isZero();
        assertThat(Files.list(dataDir.resolve("instagram-work")).count()).as("no prepared copy left behind").isZero();

    }
}
