package dev.storyline.bench;

import dev.storyline.testing.FakeTelegram;
import dev.storyline.testing.TestConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Storyline server started as systemd starts it: {@code scripts/storyline serve} (the launcher with
 * the small-machine profile) running {@code target/storyline.jar}, with the fake Bot API. For the
 * start-up and footprint benchmarks.
 */
final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

    final Process process;
    final int port;
    final long launchedNanos;

    private ServerProcess(Process process, int port, long launchedNanos) {
        this.process = process;
        this.port = port;
        this.launchedNanos = launchedNanos;
    }

    /** The settings every bench server gets; {@code dataDir} holds the embedded database unless DATABASE_URL is added. */
    static Map<String, String> env(FakeTelegram fake, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("TELEGRAM_BOT_TOKEN", TestConfig.TOKEN);
        env.put("ADMIN_TELEGRAM_CHAT_ID", String.valueOf(TestConfig.ADMIN_CHAT));
        env.put("TELEGRAM_API_BASE_URL", fake.baseUrl());
        env.put("STORYLINE_DATA_DIR", dataDir.toString());
        env.put("ADMIN_TOKEN", "bench-admin");
        env.put("LOG_LEVEL", System.getenv().getOrDefault("BENCH_LOG_LEVEL", "INFO")); // DEBUG shows each start-up step's time
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return env;
    }

    static ServerProcess launch(Map<String, String> settings, Path log) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of("scripts/storyline").toAbsolutePath().toString(), "serve"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        for (String key : List.copyOf(env.keySet())) {
            if (key.startsWith("DB_") || key.startsWith("DATABASE_") || key.startsWith("STORYLINE_") || key.startsWith("CLUSTER_")) {
                env.remove(key);
            }
        }
        env.putAll(settings);
        env.put("HTTP_PORT", String.valueOf(port));
        long launched = System.nanoTime();
        return new ServerProcess(builder.start(), port, launched);
    }

    /** Polls {@code /health} until the first HTTP answer; the seconds from the launch and the status. */
    Answer firstAnswer(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(10)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Storyline exited with " + process.exitValue() + " before answering");
            }
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                return new Answer((System.nanoTime() - launchedNanos) / 1e9, response.statusCode());
            } catch (IOException refused) {
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("no answer from /health within " + atMost);
    }

    record Answer(double seconds, int status) {
    }

    /** SIGTERM, as systemd stops it; waits for the exit (a CDS archive is written then). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Proportional set size of a process, in bytes (Linux: /proc/<pid>/smaps_rollup). */
    static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return 0;
    }
}
