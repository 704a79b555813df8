package dev.storyline.http;

import dev.storyline.app.Application;
import dev.storyline.testing.Http;
import dev.storyline.testing.TcpProxy;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole application's HTTP face on an external PostgreSQL reached through a proxy the test can
 * cut. The database starts empty, so starting also proves that serve creates the schema.
 */
class HttpIT {
    private static final String ADMIN_TOKEN = "http-it-admin-token";

    @TempDir
    static Path dataDir;
    private static TcpProxy proxy;
    private static Application app;

    @BeforeAll
    static void start() {
        // empty: serve itself creates the schema on the external server
        TestDatabase db = TestDatabase.createEmpty();
        proxy = new TcpProxy(db.settings().host(), db.settings().port());
        String viaProxy = db.url().replace(":" + db.settings().port() + "/", ":" + proxy.port() + "/");
        app = Application.start(TestConfig.parse(TestConfig.keys(db, dataDir)
                .put("DATABASE_URL", viaProxy)
                .put("ADMIN_TOKEN", ADMIN_TOKEN)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        app.stop();
        proxy.close();
    }

    @Test
    @DisplayName("/health is 200 with a database and a schedulers check")
    void health() {
        Http.Response response = Http.get(app.httpPort(), "/health");

        assertThat(response.status()).isEqualTo(200);
        JsonObject checks = response.json().getJsonObject("checks");
        assertThat(checks.getJsonObject("database").getString("status")).isEqualTo("UP");
        assertThat(checks.getJsonObject("schedulers").getString("status")).isEqualTo("UP");
    }

    @Test
    @DisplayName("/admin/* needs the bearer token: none or a wrong one is 401 JSON, the right one is 200")
    void adminAuth() {
        Http.Response none = Http.get(app.httpPort(), "/admin/tenants");
        Http.Response wrong = Http.get(app.httpPort(), "/admin/tenants", ADMIN_TOKEN + "x");
        Http.Response right = Http.get(app.httpPort(), "/admin/tenants", ADMIN_TOKEN);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().getString("error")).isEqualTo("unauthorized");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(Http.get(app.httpPort(), "/admin/orchestrator").status()).isEqualTo(401);
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.json().getJsonArray("tenants")).isNotNull();
    }

    @Test
    @DisplayName("the admin API takes JSON only: a multipart file upload is refused and never written to disk")
    void noUploads() throws Exception {
        java.nio.file.Path uploads = java.nio.file.Path.of("file-uploads");
        long before = uploads.toFile().isDirectory() ? java.nio.file.Files.list(uploads).count() : 0;
        String boundary = "----storyline-test";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(20_000) + "\r\n--" + boundary + "--\r\n";
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + app.httpPort() + "/admin/tenants/-1/media/index"))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isBetween(400, 499);
        long after = uploads.toFile().isDirectory() ? java.nio.file.Files.list(uploads).count() : 0;
        assertThat(after).as("files in file-uploads/").isEqualTo(before);
    }

    @Test
    @DisplayName("/metrics serves Prometheus text with scheduler, pool and JVM metrics")
    void metrics() {
        Http.Response response = Http.get(app.httpPort(), "/metrics");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("storyline_schedulers_deployed", "storyline_scheduler_restarts_total",
                "storyline_scheduler_heartbeat_age_max_seconds", "storyline_db_pool_connections", "jvm_memory_used_bytes",
                // the JVM's meters, bound once the application is ready: each binder Vert.x's JVM option bound
                "jvm_gc_max_data_size_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes", "jvm_info",
                "jvm_compilation_time_ms_total", "process_cpu_usage", "process_uptime_seconds", "jvm_gc_overhead",
                "vertx_eventbus_");
    }

    @Test
    @DisplayName("/health is 503 while the database is unreachable and 200 again once it is back, without a restart")
    void databaseOutage() {
        assertThat(Http.get(app.httpPort(), "/health").status()).isEqualTo(200);

        proxy.cut();
        await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(app.httpPort(), "/health").status() == 503);
        JsonObject down = Http.get(app.httpPort(), "/health").json();
        assertThat(down.getJsonObject("checks").getJsonObject("database").getString("status")).isEqualTo("DOWN");

        proxy.restore();
        await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(app.httpPort(), "/health").status() == 200);
    }
}
