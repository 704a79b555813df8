package dev.storyline.bench;

import dev.storyline.config.AppConfig;
import dev.storyline.config.Secret;
import dev.storyline.instagram.InstagramAccountRepository;
import dev.storyline.instagram.TokenCipher;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeGraph;
import dev.storyline.testing.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Issue 17's insights target: for 1,000 tenants with 3 live stories each, every story's hourly reading
 * is taken within its hour at the fake Graph's limits (150 insights calls an hour per account, two a
 * reading), with the CPU (this JVM, which also holds the fake Graph, and PostgreSQL) and the time per
 * story. Run with {@code scripts/bench.sh insights [tenants] [stories]}; figures in docs/benchmarks.md.
 * The business clock stands still at an hour and a second after the stories went live, so every story
 * is due at once (the worst case) and the passes run every second instead of every minute.
 */
public final class InsightsBench {
    private static final long BASE = -3_000_000_000_000L;

    private InsightsBench() {
    }

    public static void main(String[] args) throws Exception {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int stories = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        dev.storyline.app.Logging.quiet();
        Path dir = Files.createTempDirectory("storyline-insights-bench");
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String key = Base64.getEncoder().encodeToString(raw);
        FakeGraph graph = new FakeGraph();
        Instant start = Instant.parse("2026-12-03T08:00:00Z");
        BotHarness bot = new BotHarness(dir, new JsonObject().put("LOG_LEVEL", "WARN").put("DB_POOL_SIZE", "10").put("ENCRYPTION_KEY", key)
                .put("INSTAGRAM_GRAPH_BASE_URL", graph.baseUrl()).put("META_GRAPH_API_VERSION", FakeGraph.VERSION), start,
                config -> TestConfig.withInstagramTiming(config, AppConfig.InstagramTiming.DEFAULT.withInsights(Duration.ofSeconds(1),
                        AppConfig.InstagramTiming.INSIGHTS_CALLS_PER_HOUR)));
        graph.clock(bot.clock::instant);
        System.out.printf("Storyline insights benchmark: Java %s, %d cores, %d tenants × %d live stories%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), tenants, stories);

        bot.db.execute("INSERT INTO tenants (id, title, chat_type, state, is_paused) SELECT ? - g, 'Bench ' || g, 'supergroup', "
                + "'approved', true FROM generate_series(1, ?) g", BASE, tenants);
        io.vertx.sqlclient.Pool pool = dev.storyline.db.Database.external(bot.app().databaseSettings()).createPool(bot.app().vertx(), 4);
        InstagramAccountRepository accounts = new InstagramAccountRepository(pool, TokenCipher.of(Secret.of(key)));
        List<Future<?>> connecting = new ArrayList<>();
        for (int g = 1; g <= tenants; g++) {
            String account = "1784" + (100000 + g);
            graph.account(account, "bench" + g, "bench-token-" + g, 0);
            connecting.add(accounts.connect(BASE - g, account, "bench" + g, Secret.of("bench-token-" + g), null, start, null, null));
            for (int k = 0; k < stories; k++) {
                graph.liveStory(account, "B" + g + "-" + k, start.plus(Duration.ofMinutes(k)));
            }
        }
        Future.all(connecting).await();
        bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, category) "
                + "SELECT t.id, '/bench/' || t.id || '-' || k || '.jpg', 'folder', md5(t.id || ':' || k), 1, 'image/jpeg', 'cat' || (k % 3) "
                + "FROM tenants t, generate_series(0, ? - 1) k WHERE t.id < ?", stories, BASE);
        bot.db.execute("INSERT INTO posting_history (tenant_id, queue_item_id, media_item_id, slot_key, scheduled_for, outcome, route, "
                + "completed_at, instagram_media_id) SELECT m.tenant_id, 5000000 + row_number() OVER (), m.id, 'bench-' || m.id, "
                + "?::timestamptz + k * interval '1 minute', 'posted', 'instagram', ?::timestamptz + k * interval '1 minute', "
                + "'B' || (? - m.tenant_id) || '-' || k FROM media_items m, LATERAL (SELECT substring(m.path from '-([0-9]+)\\.jpg$')::int AS k) x "
                + "WHERE m.tenant_id < ?", java.time.OffsetDateTime.ofInstant(start, java.time.ZoneOffset.UTC),
                java.time.OffsetDateTime.ofInstant(start, java.time.ZoneOffset.UTC), BASE, BASE);
        bot.db.execute("VACUUM ANALYZE");
        long total = (long) tenants * stories;

        // every story's first reading falls due at once: an hour after the last of them went live
        double[] cpuBefore = PostingBench.cpuSeconds();
        long started = System.nanoTime();
        bot.clock.set(start.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(stories)));
        // bounded polling on one count, with progress every 10 s
        long[] lastPrint = {0};
        org.awaitility.Awaitility.await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long read = bot.db.count("SELECT count(*) FROM instagram_post_metrics WHERE tenant_id < ?", BASE);
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            if (read < total && elapsed - lastPrint[0] >= 10_000) {
                System.out.printf("  %,d of %,d read after %.0f s%n", read, total, elapsed / 1e3);
                lastPrint[0] = elapsed;
            }
            return read >= total;
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        double[] cpuAfter = PostingBench.cpuSeconds();
        long calls = graph.insightsCalls().size();
        System.out.printf("insights: %,d stories of %d tenants read in %.1f s (target: within their hour, 3,600 s); %,d Graph calls%n",
                total, tenants, seconds, calls);
        System.out.printf("insights: CPU a story: JVM (Storyline + fake Graph) %.2f ms, PostgreSQL %.2f ms; %.0f %% of %d cores busy%n",
                (cpuAfter[0] - cpuBefore[0]) * 1000 / total, (cpuAfter[1] - cpuBefore[1]) * 1000 / total,
                100 * (cpuAfter[0] - cpuBefore[0] + cpuAfter[1] - cpuBefore[1]) / seconds / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors());
        System.exit(0);
    }
}
