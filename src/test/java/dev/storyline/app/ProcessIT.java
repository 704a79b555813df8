package dev.storyline.app;

import dev.storyline.cli.Cli;
import dev.storyline.config.ConfigLoader;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Storyline as a real process on the embedded database, as a user (or systemd) runs it: started
 * with only a token and an admin chat, stopped with SIGTERM, killed with SIGKILL and started again.
 */
class ProcessIT {
    @TempDir
    Path workDir;
    private Process process;
    private int port;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private Process startServe(String logName) throws IOException {
        return startServe(logName, workDir.resolve("data"));
    }

    private Process startServe(String logName, Path dataDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.storyline.Main"))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(logName).toFile());
        builder.environment().put("TELEGRAM_BOT_TOKEN", TestConfig.TOKEN);
        builder.environment().put("ADMIN_TELEGRAM_CHAT_ID", "42");
        builder.environment().put("STORYLINE_DATA_DIR", dataDir.toString());
        builder.environment().put("HTTP_PORT", String.valueOf(port));
        builder.environment().remove("DATABASE_URL");
        builder.environment().remove("DB_HOST");
        return builder.start();
    }

    private void awaitHealthy(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> Http.get(port, "/health").status() == 200);
    }

    private String log(String name) throws IOException {
        return Files.readString(workDir.resolve(name));
    }

    @Test
    @DisplayName("serve is healthy within 15 s, exits 0 on SIGTERM within 10 s, restarts after kill -9, and keeps its data")
    void lifecycle() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        process = startServe("first.log");
        awaitHealthy(Duration.ofSeconds(15));
        insertTenantIntoRunningServer();

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
        assertThat(process.exitValue()).as(log("first.log")).isZero();
        assertThat(log("first.log")).contains("Storyline stopped");

        process = startServe("second.log");
        awaitHealthy(Duration.ofSeconds(15));
        process.destroyForcibly(); // kill -9: the embedded PostgreSQL is left running without its owner
        process.waitFor(10, TimeUnit.SECONDS);

        process = startServe("third.log");
        awaitHealthy(Duration.ofSeconds(30));
        assertThat(log("third.log")).contains("still running from a Storyline process that is gone");

        // a CLI command attaches to the running server's embedded database and sees the data of the first run
        StringWriter out = new StringWriter();
        int exit = Cli.run(new String[] {"tenants", "list"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                ConfigLoader.Sources.isolated(workDir, new JsonObject().put("STORYLINE_DATA_DIR", workDir.resolve("data").toString())));
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Survivor");

        process.destroy();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    /** A CLI command as the operator types it, with only the data dir configured: exit code and standard output. */
    private CliResult cli(Path dataDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                ConfigLoader.Sources.isolated(workDir, new JsonObject().put("STORYLINE_DATA_DIR", dataDir.toString())));
        return new CliResult(exit, out + err.toString());
    }

    private record CliResult(int exit, String output) {
    }

    @Test
    @DisplayName("the operator's guide: start, health, backup while serving, stop, restore on a fresh install, start, same data")
    void operatorGuide() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        process = startServe("serve.log");
        awaitHealthy(Duration.ofSeconds(15));
        insertTenantIntoRunningServer();
        CliResult health = cli(workDir.resolve("data"), "health", "--url", "http://127.0.0.1:" + port);
        assertThat(health.exit()).as(health.output()).isZero();

        CliResult backup = cli(workDir.resolve("data"), "backup");
        assertThat(backup.exit()).as(backup.output()).isZero();
        Path file;
        try (var files = Files.list(workDir.resolve("data/backups"))) {
            file = files.filter(p -> p.toString().endsWith(".zip")).findFirst().orElseThrow();
        }
        process.destroy();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Path fresh = workDir.resolve("fresh");
        CliResult restore = cli(fresh, "restore", file.toString());
        assertThat(restore.exit()).as(restore.output()).isZero();
        process = startServe("restored.log", fresh);
        awaitHealthy(Duration.ofSeconds(15));
        CliResult tenants = cli(fresh, "tenants", "list");
        assertThat(tenants.output()).contains("Survivor");
        process.destroy();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Writes through the running server's embedded PostgreSQL, found the way the CLI finds it. */
    private void insertTenantIntoRunningServer() throws Exception {
        List<String> pid = Files.readAllLines(workDir.resolve("data/pg/postmaster.pid"));
        Properties user = new Properties();
        user.setProperty("user", "postgres");
        // the embedded database asks for the password Storyline keeps in its directory (D23)
        user.setProperty("password", Files.readString(workDir.resolve("data/pg/.storyline-password")).strip());
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/storyline", user);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO tenants (id, title, chat_type, state) VALUES (-31, 'Survivor', 'group', 'approved')");
        }
    }
}
