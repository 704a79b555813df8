package dev.storyline.bench;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.TenantChanged;
import dev.storyline.plan.Planner;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.testing.BotHarness;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestImages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * The posting pipeline's targets (issue 5, product.md §5), with the real application, a real
 * PostgreSQL and the fake Bot API in this JVM. Run with {@code scripts/bench.sh posting [tenants]
 * [items]} (default 1000 tenants, 3000 images each); figures go to docs/benchmarks.md.
 *
 * <ol>
 *   <li>Top-off: 7 days for every tenant, each with a library of {@code items} images.</li>
 *   <li>Dispatch lateness: every tenant gets six slots a minute apart, planned while its scheduler
 *       runs; lateness is the claim time minus the slot time (and, for context, the time Telegram
 *       got the photo, which includes the outbox's 30 messages a second).</li>
 *   <li>Presses: each team's member presses Posted, interleaved across teams: a third of the
 *       notifications at once in the fresh process (reported: the JIT compiles the press path
 *       meanwhile), the next third at once (the figure: presses per second until every outcome is
 *       stored), the last third at a steady 500 a second (the handling time of each press: update
 *       in → outcome stored, edit handed to the outbox).</li>
 * </ol>
 */
public final class PostingBench {
    /** Each bench team has one member, {@code MEMBERS + g}. */
    private static final long MEMBERS = 800_000L;
    private static final long BASE = -2_000_000_000_000L;
    /** Slots per tenant in the dispatch phase, each pressed later. */
    private static final int SLOTS = 6;
    /** The benchmark's own queries while it measures, on one connection (a new one each time costs PostgreSQL a process). */
    private static java.sql.Connection probe;

    private PostingBench() {
    }

    public static void main(String[] args) throws Exception {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int items = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        dev.storyline.app.Logging.quiet();
        Path dir = Files.createTempDirectory("storyline-posting-bench");
        BotHarness bot = new BotHarness(dir, new JsonObject().put("TENANT_REGISTRATION", "open").put("LOG_LEVEL", "WARN")
                // the product's default pool (10) unless DB_POOL_SIZE says otherwise
                .put("DB_POOL_SIZE", System.getenv().getOrDefault("DB_POOL_SIZE", dev.storyline.config.ConfigKey.DB_POOL_SIZE.defaultValue())),
                Instant.now(), UnaryOperator.identity());
        bot.clock.followRealTime(); // the harness's clock stands still unless told otherwise
        System.out.printf("Storyline posting benchmark: Java %s, %d cores, %d tenants × %d images, pool of %d connections%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), tenants, items, bot.config().database().poolSize());

        Path images = dir.resolve("images");
        byte[] jpeg = TestImages.encode("jpg", 540, 960, Color.ORANGE);
        for (int i = 0; i < items; i++) {
            TestImages.bytes(images.resolve("img-" + i + ".jpg"), jpeg);
        }
        long started = System.nanoTime();
        bot.db.execute("INSERT INTO tenants (id, title, chat_type, state, is_paused) SELECT ? - g, 'Bench ' || g, 'supergroup', "
                + "'approved', true FROM generate_series(1, ?) g", BASE, tenants);
        bot.db.execute("INSERT INTO media_items (tenant_id, path, source, file_hash, file_size, mime_type, width, height, category) "
                + "SELECT t.id, ? || '/img-' || i || '.jpg', 'folder', md5(t.id || ':' || i), " + jpeg.length
                + ", 'image/jpeg', 540, 960, 'cat' || (i % 5) FROM tenants t, generate_series(0, ? - 1) i WHERE t.id < ?",
                images.toString(), items, BASE);
        bot.db.execute("VACUUM ANALYZE"); // as autovacuum would after the bulk insert, so it does not run during the measurements
        System.out.printf("setup: %,d images inserted in %.1f s%n", (long) tenants * items, (System.nanoTime() - started) / 1e9);

        probe = bot.db.connect();
        topOff(bot, tenants);
        if (args.length > 2 && args[2].equals("topoff")) {
            System.exit(0); // scripts/bench.sh posting 1000 3000 topoff: the planning figures alone
        }
        dispatch(bot, tenants);
        presses(bot, tenants);
        System.exit(0);
    }

    private static void topOff(BotHarness bot, int tenants) {
        // a pool like the application's own (same size), on its database
        io.vertx.sqlclient.Pool pool = dev.storyline.db.Database.external(bot.app().databaseSettings())
                .createPool(bot.app().vertx(), bot.config().database().poolSize());
        Planner planner = new Planner(pool, bot.config().scheduling(), Clock.systemUTC());
        List<Tenant> all = new TenantRepository(pool).findAll().await().stream().filter(t -> t.id() < BASE).toList();
        // the setup wrote 3,000,000 rows: a checkpoint due to that WAL would land in some measurement and not in others
        bot.db.execute("CHECKPOINT");
        long started = System.nanoTime();
        List<Future<Planner.TopOff>> runs = new ArrayList<>();
        for (Tenant tenant : all) {
            runs.add(planner.topOff(tenant, 7));
        }
        Future.all(runs).await();
        double seconds = (System.nanoTime() - started) / 1e9;
        long slots = bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id < ?", BASE);
        System.out.printf("top-off: 7 days for %d tenants = %,d slots planned with images in %.2f s (target < 3 s, issue 19)%n",
                all.size(), slots, seconds);
        started = System.nanoTime();
        runs.clear();
        for (Tenant tenant : all) {
            runs.add(planner.topOff(tenant, 7));
        }
        Future.all(runs).await();
        System.out.printf("top-off again (nothing to add): %.2f s%n", (System.nanoTime() - started) / 1e9);

        // issue 15 (D27): every tenant takes a 3-category mix; its untried slots go, as a mix change does, and are planned again
        bot.db.execute("INSERT INTO category_mix (tenant_id, category, percent, valid_from, source) SELECT t.id, m.c, m.p, now(), 'cli' "
                + "FROM tenants t, (VALUES ('cat0', 50), ('cat1', 30), ('cat2', 20)) m(c, p) WHERE t.id < ?", BASE);
        bot.db.execute("ANALYZE category_mix"); // as autovacuum does once a table gained rows
        for (int round = 1; round <= 2; round++) {
            bot.db.execute("DELETE FROM posting_queue WHERE tenant_id < ? AND state = 'planned' AND attempts = 0", BASE);
            bot.db.execute("VACUUM ANALYZE posting_queue"); // what autovacuum does after a mass delete; a real mix change deletes one team's slots
            bot.db.execute("CHECKPOINT");
            started = System.nanoTime();
            runs.clear();
            for (Tenant tenant : all) {
                runs.add(planner.topOff(tenant, 7));
            }
            Future.all(runs).await();
            seconds = (System.nanoTime() - started) / 1e9;
            List<Object> split = bot.db.column("SELECT string_agg(c || ' ' || n, ', ' ORDER BY c) FROM (SELECT m.category c, count(*) n "
                    + "FROM posting_queue q JOIN media_items m ON m.id = q.media_item_id WHERE q.tenant_id < ? GROUP BY 1) x", BASE);
            System.out.printf("top-off with a 3-category mix (50/30/20), run %d: 7 days for %d tenants = %,d slots in %.2f s (target < 5 s); "
                    + "slots %s%n", round,
                    all.size(), bot.db.count("SELECT count(*) FROM posting_queue WHERE tenant_id < ?", BASE), seconds, split.get(0));
        }
    }

    private static void dispatch(BotHarness bot, int tenants) {
        EventBusClient bus = new EventBusClient(bot.app().vertx(), Duration.ofMinutes(1));
        bot.db.execute("UPDATE tenants SET is_paused = false WHERE id < ?", BASE);
        for (int g = 1; g <= tenants; g++) {
            bus.tenantChanged(new TenantChanged(BASE - g, "bench"));
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> bus.orchestratorState().await().deployed() >= tenants);
        // six slots a minute apart per tenant, spread over 30 s, found by the schedulers' next look at their queue
        bot.db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, route, is_manual) "
                + "SELECT t.id, 'bench-' || k, s.at, s.at, (SELECT m.id FROM media_items m WHERE m.tenant_id = t.id ORDER BY m.id "
                + "OFFSET 100 + k LIMIT 1), 'telegram', true FROM tenants t, generate_series(0, ?) k, "
                + "LATERAL (SELECT now() + interval '75 seconds' + k * interval '60 seconds' + random() * interval '30 seconds' AS at) s "
                + "WHERE t.id < ?", SLOTS - 1, BASE);
        int expected = tenants * SLOTS;
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> bot.db.count(
                "SELECT count(*) FROM posting_queue WHERE slot_key LIKE 'bench-%' AND state = 'notified'") >= expected);
        List<Object> claim = bot.db.column("SELECT percentile_cont(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM "
                + "claimed_at - scheduled_for)) FROM posting_queue WHERE slot_key LIKE 'bench-%'");
        List<Object> sent = bot.db.column("SELECT percentile_cont(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM "
                + "notified_at - scheduled_for)) FROM posting_queue WHERE slot_key LIKE 'bench-%'");
        System.out.printf("dispatch: %,d slots of %d tenants; lateness slot → claimed [p50, p99, max] s = %s (target p99 < 0.5 s, issue 19)%n",
                expected, tenants, claim.get(0));
        System.out.printf("dispatch: slot → Telegram answered sendPhoto [p50, p99, max] s = %s (outbox at ≤ 30 messages/s included)%n",
                sent.get(0));
    }

    /**
     * Each team's own member presses Posted on its notifications (one person pressing in all chats
     * would serialize every outcome on their counter row, which no team does): a third at once in the
     * fresh process, a third at once for throughput, then the rest at a steady rate for the handling
     * time without a queue in front.
     */
    private static void presses(BotHarness bot, int tenants) {
        bot.db.execute("INSERT INTO users (id, username, first_name) SELECT ? + g, 'member' || g, 'Member' FROM generate_series(1, ?) g "
                + "ON CONFLICT DO NOTHING", MEMBERS, tenants);
        bot.db.execute("INSERT INTO tenant_members (tenant_id, user_id) SELECT ? - g, ? + g FROM generate_series(1, ?) g "
                + "ON CONFLICT DO NOTHING", BASE, MEMBERS, tenants);
        List<JsonObject> all = new ArrayList<>();
        List<Object> rows = bot.db.column("SELECT tenant_id || ':' || id || ':' || telegram_message_id FROM posting_queue "
                + "WHERE slot_key LIKE 'bench-%' AND state = 'notified' ORDER BY id");
        int n = 0;
        for (Object row : rows) {
            String[] parts = String.valueOf(row).split(":");
            long chat = Long.parseLong(parts[0]);
            FakeTelegram.Person member = new FakeTelegram.Person(MEMBERS + (BASE - chat), "Member", "member" + (BASE - chat));
            JsonObject message = bot.fake.message(chat, Long.parseLong(parts[2]));
            all.add(new JsonObject().put("callback_query", new JsonObject().put("id", "bench-cb-" + n++).put("from", member.json())
                    .put("chat_instance", "ci").put("data", "1:p:" + parts[1]).put("message", message)));
        }
        // presses of many teams arrive interleaved, not each team's own in a row
        java.util.Collections.shuffle(all, new java.util.Random(42));
        int port = bot.app().httpPort();
        int third = all.size() / 3;
        // a first burst in the fresh process, while the JIT still compiles the press path (reported, not the
        // figure: a server that has run for a while has compiled it), then the measured burst of as many
        List<JsonObject> cold = all.subList(0, third);
        List<JsonObject> burst = all.subList(third, 2 * third);
        List<JsonObject> steady = all.subList(2 * third, all.size());
        Burst first = burst(bot, port, cold, 0);
        System.out.printf("presses: first burst in a fresh process (JIT compiling meanwhile): %,d presses at once, every outcome stored "
                + "in %.2f s = %,.0f presses/s%n", cold.size(), first.seconds(), cold.size() / first.seconds());
        Burst warm = burst(bot, port, burst, cold.size());
        System.out.printf("presses: %,d Posted presses at once, every outcome stored in %.2f s = %,.0f presses/s (target ≥ 1,300/s, issue 19)%n",
                burst.size(), warm.seconds(), burst.size() / warm.seconds());
        System.out.printf("presses: CPU during the burst: this JVM (Storyline and the fake Bot API) %.2f ms a press, PostgreSQL %.2f ms a "
                        + "press, %.0f %% of %d cores busy%n", warm.jvmCpu() * 1000 / burst.size(), warm.postgresCpu() * 1000 / burst.size(),
                100 * (warm.jvmCpu() + warm.postgresCpu()) / warm.seconds() / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("presses: update in → outcome stored, edit handed to the outbox: p50 ≤ %.1f ms, p99 ≤ %.1f ms "
                        + "(all arriving at once: queueing behind the batch included)%n",
                TelegramBench.quantile(warm.handling(), 0.5) * 1000, TelegramBench.quantile(warm.handling(), 0.99) * 1000);

        int perTick = 5;
        long tickNanos = 10_000_000L; // 5 presses every 10 ms = 500 presses/s
        long steadyBefore = TelegramBench.handled(port);
        TreeMap<Double, Double> bucketsBefore = TelegramBench.buckets(Http.get(port, "/metrics").body());
        paced(bot, steady, perTick, tickNanos);
        await().atMost(Duration.ofMinutes(1)).until(() -> TelegramBench.handled(port) - steadyBefore >= steady.size());
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> edited() >= all.size());
        TreeMap<Double, Double> steadyBuckets = TelegramBench.diff(TelegramBench.buckets(Http.get(port, "/metrics").body()), bucketsBefore);
        System.out.printf("presses: steady %d presses/s (%,d presses): update in → outcome stored, edit handed to the outbox: "
                        + "p50 ≤ %.1f ms, p99 ≤ %.1f ms (target p99 < 50 ms); every caption edited%n",
                perTick * 1_000_000_000L / tickNanos, steady.size(),
                TelegramBench.quantile(steadyBuckets, 0.5) * 1000, TelegramBench.quantile(steadyBuckets, 0.99) * 1000);
    }

    /** A burst's wall time, the CPU seconds it cost (this JVM, PostgreSQL) and its handling-time histogram. */
    private record Burst(double seconds, double jvmCpu, double postgresCpu, TreeMap<Double, Double> handling) {
    }

    /**
     * Hands {@code presses} to the bot at once and waits until every outcome is stored; then until
     * every caption is edited (the outbox sends 30 a second), so that the next phase measures presses, not a backlog.
     */
    private static Burst burst(BotHarness bot, int port, List<JsonObject> presses, int before) {
        long handledBefore = TelegramBench.handled(port);
        TreeMap<Double, Double> bucketsBefore = TelegramBench.buckets(Http.get(port, "/metrics").body());
        double[] cpuBefore = cpuSeconds();
        long started = System.nanoTime();
        bot.fake.rawUpdates(presses);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> posted() >= before + presses.size());
        double seconds = (System.nanoTime() - started) / 1e9;
        double[] cpuAfter = cpuSeconds();
        await().atMost(Duration.ofMinutes(1)).until(() -> TelegramBench.handled(port) - handledBefore >= presses.size());
        TreeMap<Double, Double> handling = TelegramBench.diff(TelegramBench.buckets(Http.get(port, "/metrics").body()), bucketsBefore);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> edited() >= before + presses.size());
        return new Burst(seconds, cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1], handling);
    }

    /** {@code perTick} presses every {@code tickNanos}: a load generator keeps its pace by waiting for the next tick. */
    private static void paced(BotHarness bot, List<JsonObject> presses, int perTick, long tickNanos) {
        long start = System.nanoTime();
        for (int tick = 0; tick * perTick < presses.size(); tick++) {
            bot.fake.rawUpdates(presses.subList(tick * perTick, Math.min(presses.size(), (tick + 1) * perTick)));
            LockSupport.parkNanos(start + (tick + 1) * tickNanos - System.nanoTime());
        }
    }

    /**
     * CPU seconds used so far by this JVM and by the PostgreSQL processes of this machine (from
     * {@code /proc}; 0 where there is none), to tell where a burst's time goes.
     */
    static double[] cpuSeconds() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        double postgres = 0;
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    if (stat.contains("(postgres)")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        postgres += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime + stime, in ticks of 10 ms
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException noProc) {
            return new double[] {jvm, 0};
        }
        return new double[] {jvm, postgres};
    }

    private static long posted() {
        return count("SELECT count(*) FROM posting_history WHERE slot_key LIKE 'bench-%' AND outcome = 'posted'");
    }

    private static long edited() {
        return count("SELECT count(*) FROM posting_history WHERE slot_key LIKE 'bench-%' AND caption_edited_at IS NOT NULL");
    }

    private static long count(String sql) {
        try (java.sql.Statement statement = probe.createStatement(); java.sql.ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
