package dev.storyline.bench;

import dev.storyline.app.Application;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.OrchestratorState;
import dev.storyline.config.AppConfig;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * Heap per idle tenant scheduler and the time of one orchestrator reconcile, with the real
 * application on a real PostgreSQL and the fake Bot API; then dispatch lateness among them: 1,000 of
 * the teams get a slot each, due within one minute (slot → claimed). Run with {@code scripts/bench.sh
 * orchestrator} (1 GB heap); figures go to docs/benchmarks.md.
 *
 * <p>Arguments: the tenant counts to reach, in increasing order (default 1000 10000).
 */
public final class OrchestratorBench {
    private static final Duration DISCOVERY = Duration.ofSeconds(2);

    private OrchestratorBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] targets = args.length == 0 ? new int[] {1000, 10000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        TestDatabase db = TestDatabase.create();
        Path dataDir = Files.createTempDirectory("storyline-bench");
        FakeTelegram fake = new FakeTelegram(TestConfig.TOKEN);
        AppConfig parsed = TestConfig.parse(TestConfig.keys(db, dataDir).put("LOG_LEVEL", "WARN").put("TELEGRAM_API_BASE_URL", fake.baseUrl()));
        // production heartbeat cadence; discovery every 2 s so the bench does not wait a minute per step
        AppConfig config = new AppConfig(parsed.telegram(), parsed.database(), parsed.paths(), parsed.tenantDefaults(),
                parsed.scheduling(), new AppConfig.OrchestratorConfig(Duration.ofSeconds(15), Duration.ofSeconds(60), DISCOVERY,
                        AppConfig.OrchestratorConfig.SWEEP_INTERVAL),
                parsed.http(), parsed.instagram(), parsed.logging(), parsed.cluster());
        dev.storyline.app.Logging.quiet();

        Application app = Application.start(config, Clock.systemUTC());
        EventBusClient bus = new EventBusClient(app.vertx(), Duration.ofSeconds(60));
        System.out.printf("Storyline orchestrator benchmark: Java %s, %d cores, max heap %d MB, database: %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024), TestDatabase.serverKind());

        long baseline = settledHeap();
        int inserted = 0;
        for (int target : targets) {
            db.execute("""
                    INSERT INTO tenants (id, title, chat_type, state)
                    SELECT -1000000000000 - g, 'Bench team ' || g, 'supergroup', 'approved'
                      FROM generate_series(?, ?) g""", inserted + 1, target);
            inserted = target;

            Instant since = Instant.now();
            OrchestratorState cold = awaitDiscovery(bus, since, target);
            OrchestratorState warm = awaitDiscovery(bus, cold.lastDiscoveryAt(), target);
            // the schedulers' own start-up work (a few at a time) competes with the first discoveries: the figure is one after it
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> app.startingSchedulers() == 0);
            warm = awaitDiscovery(bus, awaitDiscovery(bus, Instant.now(), target).lastDiscoveryAt(), target);
            long heap = settledHeap();
            System.out.printf("%,6d tenants: %,8d KB heap above baseline = %5.1f KB per scheduler; "
                            + "reconcile deploying the new ones %,6d ms; reconcile with nothing to change %,5d ms%n",
                    target, (heap - baseline) / 1024, (heap - baseline) / 1024.0 / target,
                    cold.lastDiscoveryMillis(), warm.lastDiscoveryMillis());
        }
        dispatch(db, dataDir, Math.min(1000, inserted));
        app.stop();
        fake.close();
        System.exit(0);
    }

    /**
     * {@code teams} of the deployed teams (spread over all of them) get one image and one slot each, due at random within one
     * minute from 75 s on, so each scheduler finds it on its own next look; lateness is the claim time minus the slot time.
     */
    private static void dispatch(TestDatabase db, Path dataDir, int teams) throws java.io.IOException {
        Path image = dataDir.resolve("story.jpg");
        Files.write(image, dev.storyline.testing.TestImages.encode("jpg", 90, 160, java.awt.Color.GREEN));
        db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, width, height) "
                + "SELECT id, ?, 'telegram', md5(id::text), 1000, 'image/jpeg', 90, 160 FROM (SELECT id, row_number() OVER (ORDER BY id) n, "
                + "count(*) OVER () total FROM tenants WHERE id <= -1000000000001) t WHERE n % (total / ?) = 0 LIMIT ?",
                image.toString(), teams, teams);
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, is_manual) "
                + "SELECT tenant_id, 'bench-dispatch', at, at, id, true FROM (SELECT tenant_id, id, now() + interval '75 seconds' "
                + "+ random() * interval '60 seconds' AS at FROM media_items WHERE tenant_id <= -1000000000001) m");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> db.count(
                "SELECT count(*) FROM posting_queue WHERE slot_key = 'bench-dispatch' AND claimed_at IS NOT NULL") >= teams);
        List<Object> lateness = db.column("SELECT array_to_string(array_agg(round(p::numeric * 1000)), ' / ') FROM unnest(("
                + "SELECT percentile_cont(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - scheduled_for)) "
                + "FROM posting_queue WHERE slot_key = 'bench-dispatch')) p");
        System.out.printf("dispatch among them: %,d slots due within one minute; lateness slot → claimed p50 / p99 / max = %s ms "
                + "(target p99 < 1 s)%n", teams, lateness.get(0));
    }

    /** Waits for a discovery that ended after {@code since} with all targets deployed. */
    private static OrchestratorState awaitDiscovery(EventBusClient bus, Instant since, int deployed) {
        AtomicReference<OrchestratorState> seen = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            OrchestratorState state = bus.orchestratorSummary().await();
            seen.set(state);
            return state.deployed() == deployed && state.lastDiscoveryAt() != null && state.lastDiscoveryAt().isAfter(since);
        });
        return seen.get();
    }

    /** Heap in use after full collections (an explicit GC is a synchronous full collection). */
    private static long settledHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
