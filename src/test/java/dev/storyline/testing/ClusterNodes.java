package dev.storyline.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Real Storyline processes ({@code serve --cluster}) on 127.0.0.1 against a test database and the fake
 * Bot API, for the cluster test and the cluster benchmark. Each node runs the fat jar ({@code java -jar
 * target/storyline.jar}) when the system property {@code storyline.jar} names it (the build sets it for
 * the tests that run after packaging), else the same code from this JVM's class path. Each node's
 * output goes to {@code <work>/<name>.log}.
 */
public final class ClusterNodes implements AutoCloseable {
    public static final String ADMIN_TOKEN = "process-admin";

    /** One node: its process, HTTP port and cluster port (the event bus listens on the next). */
    public record Node(String name, Process process, int http, int cluster) {
        public boolean alive() {
            return process.isAlive();
        }
    }

    private final Path workDir;
    private final TestDatabase db;
    private final FakeTelegram fake;
    private final String heap;
    private final Map<String, String> extraEnv = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Set<Node> frozen = new HashSet<>();
    private int launched;

    public ClusterNodes(Path workDir, TestDatabase db, FakeTelegram fake, String heap) {
        this.workDir = workDir;
        this.db = db;
        this.fake = fake;
        this.heap = heap;
    }

    /** Adds a setting every node launched from now on gets. */
    public ClusterNodes with(String key, String value) {
        extraEnv.put(key, value);
        return this;
    }

    /** How the nodes run, for a report. */
    public static String launchMode() {
        return jar() != null ? "java -jar " + jar() : "java -cp <test class path> dev.storyline.Main";
    }

    private static Path jar() {
        String jar = System.getProperty("storyline.jar");
        return jar != null && Files.isRegularFile(Path.of(jar)) ? Path.of(jar).toAbsolutePath() : null;
    }

    /** Starts {@code count} nodes that know each other. */
    public List<Node> start(int count) throws IOException {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = Ports.freePair();
        }
        List<Node> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> others = new ArrayList<>();
            for (int j = 0; j < count; j++) {
                if (j != i) {
                    others.add("127.0.0.1:" + ports[j]);
                }
            }
            started.add(launch(ports[i], String.join(",", others)));
        }
        return started;
    }

    /** Starts one more node that joins the live ones. */
    public Node join() throws IOException {
        List<String> members = alive().stream().map(n -> "127.0.0.1:" + n.cluster()).toList();
        return launch(Ports.freePair(), String.join(",", members));
    }

    private Node launch(int clusterPort, String members) throws IOException {
        String name = "node" + launched++;
        int http;
        try (ServerSocket socket = new ServerSocket(0)) {
            http = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap));
        if (jar() != null) {
            command.addAll(List.of("-jar", jar().toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.storyline.Main"));
        }
        command.addAll(List.of("serve", "--cluster"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("TELEGRAM_BOT_TOKEN", TestConfig.TOKEN);
        env.put("ADMIN_TELEGRAM_CHAT_ID", String.valueOf(TestConfig.ADMIN_CHAT));
        env.put("TELEGRAM_API_BASE_URL", fake.baseUrl());
        env.put("DATABASE_URL", db.url());
        env.remove("DB_HOST");
        env.put("STORYLINE_DATA_DIR", workDir.resolve(name).toString());
        env.put("MEDIA_DIR", workDir.resolve("media").toString());
        env.put("HTTP_PORT", String.valueOf(http));
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("CLUSTER_HOST", "127.0.0.1");
        env.put("CLUSTER_PORT", String.valueOf(clusterPort));
        env.put("CLUSTER_MEMBERS", members);
        env.put("LOG_LEVEL", "INFO");
        env.putAll(extraEnv);
        Node node = new Node(name, builder.start(), http, clusterPort);
        nodes.add(node);
        return node;
    }

    public List<Node> all() {
        return List.copyOf(nodes);
    }

    /** The nodes running and not frozen. */
    public List<Node> alive() {
        return nodes.stream().filter(n -> n.alive() && !frozen.contains(n)).toList();
    }

    /** Whether every live node answers {@code /health} with 200. */
    public boolean healthy() {
        return alive().stream().allMatch(n -> Http.get(n.http(), "/health").status() == 200);
    }

    /** The tenants each live node's orchestrator runs now (its own view, over HTTP), by node id. */
    public Map<String, Set<Long>> deployed() {
        Map<String, Set<Long>> byNode = new HashMap<>();
        nodes:
        for (Node node : alive()) {
            Set<Long> tenants = new HashSet<>();
            String nodeId = null;
            Long after = null;
            do { // a page at a time, as the admin API gives them
                Http.Response r = Http.get(node.http(), "/admin/orchestrator?limit=500" + (after == null ? "" : "&after=" + after), ADMIN_TOKEN);
                if (r.status() != 200) {
                    continue nodes;
                }
                JsonObject state = new JsonObject(r.body());
                for (Object each : state.getJsonArray("schedulers", new JsonArray())) {
                    tenants.add(((JsonObject) each).getLong("tenantId"));
                }
                nodeId = state.getString("node");
                after = state.getLong("next");
            } while (after != null);
            byNode.put(nodeId, tenants);
        }
        return byNode;
    }

    /** The first tenant that two nodes run at once in {@code byNode}, or null when each runs on one. */
    public static Long ownedTwice(Map<String, Set<Long>> byNode) {
        Set<Long> seen = new HashSet<>();
        for (Set<Long> tenants : byNode.values()) {
            for (Long tenant : tenants) {
                if (!seen.add(tenant)) {
                    return tenant;
                }
            }
        }
        return null;
    }

    /** Whether every live node answers and together they run exactly {@code tenants}, each once, with a live Telegram leader among them. */
    public boolean settled(Map<String, Set<Long>> byNode, int tenants) {
        return byNode.size() == alive().size() && byNode.values().stream().mapToInt(Set::size).sum() == tenants
                && ownedTwice(byNode) == null && byNode.containsKey(telegramLeader());
    }

    /** The node id holding the Telegram lease now, or null. */
    public String telegramLeader() {
        List<Object> owner = db.column("SELECT owner FROM cluster_leases WHERE name = 'telegram' AND lease_until > now()");
        return owner.isEmpty() ? null : (String) owner.get(0);
    }

    /** The live node whose id is {@code nodeId}. */
    public Node byId(String nodeId) {
        for (Node node : alive()) {
            Http.Response r = Http.get(node.http(), "/admin/orchestrator", ADMIN_TOKEN);
            if (r.status() == 200 && nodeId.equals(new JsonObject(r.body()).getString("node"))) {
                return node;
            }
        }
        throw new AssertionError("no live node is " + nodeId);
    }

    /** SIGKILL, as a power cut or {@code kill -9}. */
    public static void kill(Node node) throws InterruptedException {
        node.process().destroyForcibly();
        node.process().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * SIGSTOP: the node stops answering but its sockets stay open, as when a machine loses power or its
     * network (a SIGKILL lets the kernel close the sockets, which the others notice at once).
     */
    public void freeze(Node node) throws IOException, InterruptedException {
        frozen.add(node);
        new ProcessBuilder("kill", "-STOP", String.valueOf(node.process().pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    public List<String> log(Node node) throws IOException {
        return Files.readAllLines(workDir.resolve(node.name() + ".log"));
    }

    /** Stops every node politely, then forcibly what has not stopped within 15 s. */
    @Override
    public void close() throws InterruptedException {
        for (Node node : nodes) {
            node.process().destroy();
        }
        for (Node node : nodes) {
            node.process().waitFor(15, TimeUnit.SECONDS);
            node.process().destroyForcibly();
        }
    }
}
