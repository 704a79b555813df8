package dev.storyline.cli;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's commands on the embedded database (no DATABASE_URL): each starts the embedded
 * PostgreSQL under the data dir, does its work, and stops it; the external-database runs are in the
 * other CLI tests.
 */
class EmbeddedCliIT {
    @TempDir
    Path dataDir;

    private CliRun cli(String... args) {
        return CliRun.run(dataDir, new JsonObject().put("STORYLINE_DATA_DIR", dataDir.toString()), args);
    }

    @Test
    @DisplayName("tables, clear errors and exit codes on the embedded database; backup and restore round-trip")
    void commandsOnEmbedded() throws Exception {
        assertThat(cli("migrate").exit()).isZero();
        assertThat(cli("tenants", "list").out()).contains("No tenants yet");
        assertThat(cli("tenants", "approve", "-1").err()).contains("Unknown tenant -1");
        assertThat(cli("users", "list").out()).contains("Nobody yet");
        CliRun promote = cli("users", "promote", "@someone");
        assertThat(promote.exit()).isEqualTo(1);
        assertThat(promote.err()).contains("must talk to the bot first");
        assertThat(cli("queue", "list").exit()).isZero();
        assertThat(cli("history").exit()).isZero();
        assertThat(cli("instagram", "status").out()).contains("No Instagram accounts are connected");
        assertThat(cli("plan", "top-off").exit()).isZero();
        assertThat(cli("runs", "list", "--limit", "0").exit()).isEqualTo(2);

        CliRun backup = cli("backup");
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("verified");
        Path file;
        try (var files = Files.list(dataDir.resolve("backups"))) {
            file = files.filter(p -> p.toString().endsWith(".zip")).findFirst().orElseThrow();
        }
        assertThat(cli("runs", "list", "--service", "backup").out()).contains("backup").contains("completed");
        Path other = dataDir.resolve("fresh");
        CliRun restore = CliRun.run(other, new JsonObject().put("STORYLINE_DATA_DIR", other.toString()), "restore", file.toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("Restored");
    }
}
