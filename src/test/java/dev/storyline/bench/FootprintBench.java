package dev.storyline.bench;

import dev.storyline.db.EmbeddedDatabase;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestImages;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole install's memory (issue 19): Storyline as systemd runs it ({@code scripts/storyline serve},
 * the small-machine profile) with its embedded PostgreSQL, teams with 2 images each, everything
 * planned, then 20 s idle; the proportional set size (PSS) of the JVM and of every PostgreSQL process.
 * Three steps on one data directory: 100 teams at 3 posts a day, the same at 50 a day, 1,000 teams.
 * Run with {@code scripts/bench.sh footprint}; figures go to docs/benchmarks.md.
 */
public final class FootprintBench {
    private static final long BASE = -4_000_000_000_000L;

    private FootprintBench() {
    }

    private record Step(int tenants, int postsPerDay, long targetMb) {
    }

    public static void main(String[] args) throws Exception {
        dev.storyline.app.Logging.quiet();
        List<Step> steps = List.of(new Step(100, 3, 200), new Step(100, 50, 200), new Step(1000, 3, 256));
        Path work = Files.createTempDirectory("storyline-footprint-bench");
        Path data = work.resolve("data");
        Path media = work.resolve("media");
        FakeTelegram fake = new FakeTelegram(TestConfig.TOKEN);
        byte[] jpeg = TestImages.encode("jpg", 540, 960, Color.PINK);
        for (int g = 1; g <= 1000; g++) {
            for (String name : List.of("a.jpg", "b.jpg")) {
                Path file = media.resolve((BASE - g) + "/" + name);
                Files.createDirectories(file.getParent());
                Files.write(file, name.equals("a.jpg") ? jpeg : TestImages.encode("jpg", 540, 960, new Color(g % 255, 80, 160)));
            }
        }
        Map<String, String> env = ServerProcess.env(fake, data);
        env.put("MEDIA_DIR", media.toString());
        env.put("LOG_LEVEL", "WARN");
        Path log = work.resolve("storyline.log");
        System.out.printf("Storyline footprint benchmark: Java %s, %d cores, launcher scripts/storyline (profile defaults: %s)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), env.getOrDefault("STORYLINE_HEAP", "heap 256m"));
        List<String> rows = new ArrayList<>();
        try {
            // the first start makes the embedded database; the teams are added through it
            ServerProcess server = ServerProcess.launch(env, log);
            server.firstAnswer(Duration.ofMinutes(2));
            for (Step step : steps) {
                try (Connection c = connect(data)) {
                    c.createStatement().execute("INSERT INTO tenants (id, title, chat_type, state) SELECT " + BASE + " - g, 'Team ' || g, "
                            + "'supergroup', 'approved' FROM generate_series(1, " + step.tenants() + ") g ON CONFLICT (id) DO NOTHING");
                    c.createStatement().execute("UPDATE tenants SET posts_per_day = " + step.postsPerDay() + " WHERE id < " + BASE);
                }
                server.close();
                server = ServerProcess.launch(env, log);
                server.firstAnswer(Duration.ofMinutes(2));
                long started = System.nanoTime();
                awaitPlanned(data, step.tenants());
                double planned = (System.nanoTime() - started) / 1e9;
                Thread.sleep(20_000); // idle, as a small team's server is most of the day
                long jvm = ServerProcess.pss(server.process.pid());
                long postmaster = Long.parseLong(Files.readAllLines(data.resolve("pg/postmaster.pid")).get(0).trim());
                List<Long> pids = new ArrayList<>(List.of(postmaster));
                ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
                long postgres = pids.stream().mapToLong(ServerProcess::pss).sum();
                long total = jvm + postgres;
                System.out.printf("%,d teams × 2 images, %d posts a day (planned %.1f s after the first /health answer), 20 s idle: "
                                + "JVM %d MB + PostgreSQL %d MB (%d processes) = %d MB PSS (target ≤ %d MB)%n", step.tenants(), step.postsPerDay(),
                        planned, mb(jvm), mb(postgres), pids.size(), mb(total), step.targetMb());
                rows.add(String.format("| %,d × 2 images, %d posts a day | %d MB | %d MB (%d) | **%d MB** | ≤ %d MB %s |", step.tenants(),
                        step.postsPerDay(), mb(jvm), mb(postgres), pids.size(), mb(total), step.targetMb(), mb(total) <= step.targetMb() ? "✅" : "❌"));
            }
            server.close();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println();
        System.out.println("| teams | JVM | PostgreSQL (processes) | total PSS | target |");
        System.out.println("|---|---:|---:|---:|---|");
        rows.forEach(System.out::println);
        fake.close();
        System.exit(0);
    }

    /** Waits until every team has its library indexed and a planned slot (one short connection per look: it costs a process). */
    private static void awaitPlanned(Path data, int tenants) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(data); PreparedStatement s = c.prepareStatement("SELECT (SELECT count(*) FROM media_items WHERE tenant_id < ?), "
                    + "(SELECT count(DISTINCT tenant_id) FROM posting_queue WHERE tenant_id < ? AND state = 'planned')")) {
                s.setLong(1, BASE);
                s.setLong(2, BASE);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getLong(1) >= 2L * tenants && r.getLong(2) >= tenants) {
                        return;
                    }
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the teams were not planned within 5 minutes");
    }

    private static Connection connect(Path data) throws SQLException {
        EmbeddedDatabase attached = EmbeddedDatabase.start(data.resolve("pg"), EmbeddedDatabase.Role.CLIENT);
        return DriverManager.getConnection(attached.settings().jdbcUrl(), attached.settings().jdbcProperties());
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
