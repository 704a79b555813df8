package dev.storyline.bench;

import dev.storyline.testing.ClusterNodes;
import dev.storyline.testing.ClusterNodes.Node;
import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import dev.storyline.testing.TestImages;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The cluster's figures (issue 18, D32) with real processes: 1, 2 and 3 nodes ({@code java -jar
 * target/storyline.jar serve --cluster}, 512 MB heap each) on 127.0.0.1 against one PostgreSQL and the
 * fake Bot API in this JVM, with {@code tenants} teams (default 3,000). Run with {@code scripts/bench.sh
 * cluster [tenants] [kills] [node counts]}; figures go to docs/benchmarks.md.
 *
 * <p>For each cluster size: the time until every team runs, schedulers per node, a dispatch phase (one
 * slot per team, spread over a minute: lateness slot → claimed), heap per node (peak in use while
 * dispatching, and after a full collection) and resident memory; then, with two nodes or more,
 * {@code kills} kills in turn of the Telegram leader and of a plain node while slots keep falling due
 * (SIGKILL, then every third and fourth SIGSTOP: a node that vanishes with its sockets open, as in a
 * power cut, is noticed only by its missing heartbeats), each followed by a new node: the take-over time (kill → every team runs on a survivor, once, and a survivor polls Telegram),
 * the time a restarted node takes to get its share, teams seen on two nodes at any sample, and every
 * slot's photo counted at the fake Bot API (duplicates).
 */
public final class ClusterBench {
    private static final long BASE = -3_000_000_000_000L;
    private static final String HEAP = "512m";

    private ClusterBench() {
    }

    private record Sample(long heapUsed, long rss) {
    }

    public static void main(String[] args) throws Exception {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] sizes = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 2, 3};
        dev.storyline.app.Logging.quiet();
        Path work = Files.createTempDirectory("storyline-cluster-bench");
        TestDatabase db = TestDatabase.create();
        FakeTelegram fake = new FakeTelegram(TestConfig.TOKEN);
        System.out.printf("Storyline cluster benchmark: Java %s, %d cores, %d teams, nodes: %s (-Xmx%s), database: %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), tenants, ClusterNodes.launchMode(), HEAP,
                TestDatabase.serverKind());

        byte[] image = TestImages.encode("jpg", 90, 160, new Color(30, 120, 200));
        for (int g = 1; g <= tenants; g++) {
            Path file = work.resolve("media/" + (BASE - g) + "/story.jpg");
            Files.createDirectories(file.getParent());
            Files.write(file, image);
        }
        db.execute("INSERT INTO tenants (id, title, chat_type, state) SELECT ? - g, 'Bench ' || g, 'supergroup', 'approved' "
                + "FROM generate_series(1, ?) g", BASE, tenants);

        List<String> rows = new ArrayList<>();
        try {
            for (int size : sizes) {
                rows.add(run(db, fake, work, tenants, size, kills));
            }
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println();
        System.out.println("| nodes | every team running after | schedulers per node | dispatch lateness p50 / p99 / max | heap per node: peak in use / after full GC | RSS per node | take-over p50 / max | a new node has its share p50 / max | owned twice | duplicates |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        fake.close();
        System.exit(0);
    }

    private static String run(TestDatabase db, FakeTelegram fake, Path work, int tenants, int size, int kills) throws Exception {
        Path dir = work.resolve("n" + size);
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("media"), work.resolve("media"));
        ClusterNodes nodes = new ClusterNodes(dir, db, fake, HEAP).with("LOG_LEVEL", "WARN");
        try {
            System.out.printf("%n== %d node(s)%n", size);
            long started = System.nanoTime();
            nodes.start(size);
            // a node still starting refuses connections (IllegalStateException from Http); one that stopped ends the run
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IllegalStateException.class)
                    .until(() -> {
                if (nodes.alive().size() < size) {
                    throw new AssertionError("a node stopped: see its log in " + dir);
                }
                Map<String, Set<Long>> byNode = nodes.deployed();
                return nodes.settled(byNode, tenants) && balanced(byNode, tenants, size);
                    });
            double running = seconds(started);
            List<Integer> perNode = nodes.deployed().values().stream().map(Set::size).sorted().toList();
            System.out.printf("every team running after %.1f s; schedulers per node %s%n", running, perNode);
            await().atMost(Duration.ofMinutes(5)).until(() -> db.count("SELECT count(DISTINCT tenant_id) FROM media_items "
                    + "WHERE tenant_id <= ?", BASE - 1) == tenants);

            // dispatch: one slot per team, spread over a minute
            String prefix = "bench-" + size + "-dispatch-";
            slots(db, prefix, 60);
            Map<Node, List<Sample>> samples = new HashMap<>();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                for (Node node : nodes.alive()) {
                    samples.computeIfAbsent(node, n -> new ArrayList<>()).add(sample(node));
                }
                return db.count("SELECT count(*) FROM posting_queue WHERE slot_key LIKE ? AND state = 'notified'", prefix + "%") == tenants;
            });
            List<Object> lateness = db.column("SELECT array_to_string(array_agg(round(p::numeric * 1000)), ' / ') FROM unnest(("
                    + "SELECT percentile_cont(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - scheduled_for)) "
                    + "FROM posting_queue WHERE slot_key LIKE ?)) p", prefix + "%");
            List<String> peak = new ArrayList<>();
            List<String> settled = new ArrayList<>();
            List<String> rss = new ArrayList<>();
            for (Node node : nodes.alive()) {
                peak.add(mb(samples.get(node).stream().mapToLong(Sample::heapUsed).max().orElse(0)));
                rss.add(mb(samples.get(node).stream().mapToLong(Sample::rss).max().orElse(0)));
                settled.add(mb(settledHeap(node)));
            }
            System.out.printf("dispatch: %,d slots, lateness slot → claimed p50 / p99 / max = %s ms; heap peak %s MB, after full GC %s MB; "
                    + "RSS %s MB%n", tenants, lateness.get(0), peak, settled, rss);

            String takeOver = "–";
            String rebalance = "–";
            long twice = 0;
            if (size >= 2) {
                String failing = "bench-" + size + "-kill-";
                slots(db, failing, kills * 40);
                await().atMost(Duration.ofMinutes(3)).until(() -> db.count("SELECT count(*) FROM posting_queue WHERE slot_key LIKE ? "
                        + "AND state = 'notified'", failing + "%") > 0);
                List<Double> takeOvers = new ArrayList<>();
                List<Double> rebalances = new ArrayList<>();
                long[] seenTwice = {0};
                for (int k = 0; k < kills; k++) {
                    String leaderId = nodes.telegramLeader();
                    Node leader = nodes.byId(leaderId);
                    Node victim = k % 2 == 0 ? leader : nodes.alive().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
                    // kills 3 and 4 freeze the node instead (SIGSTOP, sockets left open: a power cut), noticed by missing heartbeats
                    boolean freeze = k % 4 >= 2;
                    long killed = System.nanoTime();
                    if (freeze) {
                        nodes.freeze(victim);
                    } else {
                        ClusterNodes.kill(victim);
                    }
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
                        Map<String, Set<Long>> byNode = nodes.deployed();
                        if (ClusterNodes.ownedTwice(byNode) != null) {
                            seenTwice[0]++;
                        }
                        return nodes.settled(byNode, tenants);
                    });
                    takeOvers.add(seconds(killed));
                    if (freeze) {
                        ClusterNodes.kill(victim); // it never comes back
                    }
                    long joined = System.nanoTime();
                    nodes.join();
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                            .ignoreExceptionsInstanceOf(IllegalStateException.class).until(() -> {
                        Map<String, Set<Long>> byNode = nodes.deployed();
                        if (ClusterNodes.ownedTwice(byNode) != null) {
                            seenTwice[0]++;
                        }
                        return nodes.settled(byNode, tenants) && byNode.size() == size && balanced(byNode, tenants, size);
                    });
                    rebalances.add(seconds(joined));
                    System.out.printf("kill %d (%s of the %s): every team running on the survivors after %.1f s; a new node has its share "
                            + "after %.1f s%n", k + 1, freeze ? "SIGSTOP" : "SIGKILL", victim.equals(leader) ? "Telegram leader" : "plain node",
                            takeOvers.get(k), rebalances.get(k));
                }
                twice = seenTwice[0];
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> db.count(
                        "SELECT count(*) FROM posting_queue WHERE slot_key LIKE ? AND state NOT IN ('notified', 'claimed')", failing + "%") == 0
                        && db.count("SELECT count(*) FROM posting_queue WHERE slot_key LIKE ? AND state = 'claimed' "
                        + "AND claimed_at > now() - interval '10 seconds'", failing + "%") == 0);
                long inDoubt = db.count("SELECT count(*) FROM posting_queue WHERE slot_key LIKE ? AND state = 'claimed'", failing + "%");
                System.out.printf("slots during the kills: %,d, %d in doubt at a kill (left to D15's retry)%n", tenants, inDoubt);
                takeOver = p50Max(takeOvers) + " s";
                rebalance = p50Max(rebalances) + " s";
            }
            long duplicates = duplicates(db, fake, tenants);
            return String.format("| %d | %.0f s | %s | %s ms | %s / %s MB | %s MB | %s | %s | %d | %d |", size, running, perNode,
                    lateness.get(0), String.join(", ", peak), String.join(", ", settled), String.join(", ", rss), takeOver, rebalance,
                    twice, duplicates);
        } finally {
            nodes.close();
        }
    }

    /** One slot per team, due at random over {@code seconds} from 75 s on (each scheduler finds it on its own next look). */
    private static void slots(TestDatabase db, String prefix, int seconds) {
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, media_item_id, is_manual) "
                + "SELECT id, ? || id, at, at, (SELECT min(m.id) FROM media_items m WHERE m.tenant_id = s.id), true "
                + "FROM (SELECT id, now() + interval '75 seconds' + random() * ? * interval '1 second' AS at FROM tenants WHERE id <= ?) s",
                prefix, seconds, BASE - 1);
    }

    /** Every node runs its fair share: no more than the teams ÷ nodes rounded up. */
    private static boolean balanced(Map<String, Set<Long>> byNode, int tenants, int size) {
        int share = (tenants + size - 1) / size;
        return byNode.size() == size && byNode.values().stream().allMatch(t -> t.size() <= share);
    }

    /** Teams whose chat got more photos than the slots recorded as notified (a slot in doubt at a kill may add one). */
    private static long duplicates(TestDatabase db, FakeTelegram fake, int tenants) {
        Map<Long, Long> recorded = new TreeMap<>();
        for (Object row : db.column("SELECT tenant_id || ' ' || count(*) FROM (SELECT tenant_id FROM posting_queue WHERE telegram_message_id "
                + "IS NOT NULL OR state = 'claimed' UNION ALL SELECT tenant_id FROM posting_history WHERE telegram_message_id IS NOT NULL) x "
                + "WHERE tenant_id <= ? GROUP BY tenant_id", BASE - 1)) {
            String[] parts = ((String) row).split(" ");
            recorded.put(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }
        long teams = 0;
        for (int g = 1; g <= tenants; g++) {
            long chat = BASE - g;
            long photos = fake.messagesIn(chat).stream().filter(m -> m.containsKey("photo")).count();
            if (photos > recorded.getOrDefault(chat, 0L)) {
                teams++;
            }
        }
        return teams;
    }

    private static Sample sample(Node node) {
        long heap = 0;
        Http.Response metrics = Http.get(node.http(), "/metrics", ClusterNodes.ADMIN_TOKEN);
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        long rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + node.process().pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux: no resident figure
        }
        return new Sample(heap, rss);
    }

    /** The node's heap in use after a full collection ({@code jcmd <pid> GC.run}). */
    private static long settledHeap(Node node) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            Process gc = new ProcessBuilder(jcmd, String.valueOf(node.process().pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(60, TimeUnit.SECONDS);
            least = Math.min(least, sample(node).heapUsed());
        }
        return least;
    }

    private static String p50Max(Collection<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return String.format("%.1f / %.1f", sorted.get((sorted.size() - 1) / 2), sorted.get(sorted.size() - 1));
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static String mb(long bytes) {
        return String.valueOf(bytes / (1024 * 1024));
    }
}
