package dev.storyline.cli;

import dev.storyline.app.Application;
import dev.storyline.testing.TestConfig;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line, run in-process with its real parser, configuration and database. */
class CliIT {
    private static final String ADMIN_TOKEN = "cli-it-admin-token";
    @TempDir
    static Path workDir;
    private static TestDatabase db;
    private static Application app;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        app = Application.start(TestConfig.parse(TestConfig.keys(db, workDir.resolve("served")).put("ADMIN_TOKEN", ADMIN_TOKEN)),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static CliRun run(JsonObject keys, String... args) {
        return CliRun.run(workDir, keys, args);
    }

    private static CliRun run(String... args) {
        return CliRun.against(db, workDir, args);
    }

    @Test
    @DisplayName("version prints the version and exits 0")
    void version() {
        CliRun run = run("version");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("Storyline ");
    }

    @Test
    @DisplayName("bad arguments print usage and exit 2")
    void badArguments() {
        CliRun unknownOption = run("--bogus");
        CliRun unknownCommand = run("frobnicate");
        CliRun missingSubcommand = run("tenants");

        assertThat(unknownOption.exit()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown option: '--bogus'").contains("Usage: storyline");
        assertThat(unknownCommand.exit()).isEqualTo(2);
        assertThat(missingSubcommand.exit()).isEqualTo(2);
        assertThat(missingSubcommand.err()).contains("tenants list");
        for (String[] args : new String[][] {{"users", "list", "--limit", "0"}, {"runs", "list", "--limit", "10001"},
                {"media", "list", "--limit", "0"}, {"queue", "list", "--limit", "501"}}) {
            CliRun tooMany = run(args);
            assertThat(tooMany.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(tooMany.err()).contains("--limit must be between 1 and " + (args[0].equals("queue") ? 500 : 10000));
        }
    }

    @Test
    @DisplayName("serve with invalid configuration prints every problem, naming the keys, and exits 1")
    void invalidConfiguration() {
        CliRun run = run(new JsonObject().put("POSTS_PER_DAY", "abc").put("POSTING_HOURS_END", "25")
                .put("STORYLINE_DATA_DIR", workDir.toString()), "serve");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("Invalid configuration:", "TELEGRAM_BOT_TOKEN is required", "ADMIN_TELEGRAM_CHAT_ID is required",
                "POSTS_PER_DAY must be a whole number", "POSTING_HOURS_END must be between 0 and 23, not 25");
    }

    @Test
    @DisplayName("serve whose embedded database cannot start says why in one line and exits 1")
    void embeddedCannotStart() throws IOException {
        Path dataDir = Files.createDirectories(workDir.resolve("blocked"));
        Files.writeString(dataDir.resolve("pg"), "not a directory");

        CliRun run = run(new JsonObject().put("TELEGRAM_BOT_TOKEN", TestConfig.TOKEN).put("ADMIN_TELEGRAM_CHAT_ID", "1")
                .put("STORYLINE_DATA_DIR", dataDir.toString()).put("HTTP_PORT", "0"), "serve");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("Storyline could not start: Cannot create the embedded database directory")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    @DisplayName("migrate brings the schema up to date and says which version it is at")
    void migrate() {
        CliRun run = run("migrate");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("Schema is at version " + dev.storyline.db.Migrations.newestShipped().orElseThrow());
    }

    @Test
    @DisplayName("migrate creates the whole schema on an empty external database")
    void migrateEmpty() {
        TestDatabase empty = TestDatabase.createEmpty();

        CliRun run = run(new JsonObject().put("DATABASE_URL", empty.url()).put("STORYLINE_DATA_DIR", workDir.toString()), "migrate");

        assertThat(run.exit()).isZero();
        assertThat(empty.count("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('tenants', 'posting_queue', 'alerts')"))
                .isEqualTo(3);
    }

    @Test
    @DisplayName("tenants list prints a table of the tenants")
    void tenantsList() {
        db.insertTenant(-555L, "Bakery team", "approved", false);
        db.insertTenant(-556L, "Waiting room", "pending", false);

        CliRun run = run("tenants", "list");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("CHAT ID", "STATE", "Bakery team", "approved", "Waiting room", "pending", "09-21 UTC")
                .contains("2 tenants, 1 active");
    }

    @Test
    @DisplayName("health prints each check and exits 0 against a healthy server")
    void healthy() {
        CliRun run = run("health", "--url", "http://127.0.0.1:" + app.httpPort() + "/health");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("CHECK", "database", "schedulers", "UP", "Healthy", "detail needs the server's ADMIN_TOKEN")
                .doesNotContain("DETAIL");

        CliRun detailed = run(new JsonObject().put("DATABASE_URL", db.url()).put("ADMIN_TOKEN", ADMIN_TOKEN),
                "health", "--url", "http://127.0.0.1:" + app.httpPort());
        assertThat(detailed.exit()).as(detailed.err()).isZero();
        assertThat(detailed.out()).contains("DETAIL", "/admin/health").containsPattern("PostgreSQL .*@127.0.0.1:[0-9]+/");
    }

    @Test
    @DisplayName("health exits 1 with a clear message when nothing answers")
    void nothingAnswers() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CliRun run = run(new JsonObject().put("HTTP_PORT", String.valueOf(closedPort)).put("STORYLINE_DATA_DIR", workDir.toString()), "health");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("Storyline is not answering at http://127.0.0.1:" + closedPort + "/health (connection refused)");
    }
}
