package dev.storyline.db;

import dev.storyline.app.Application;
import dev.storyline.bus.EventBusClient;
import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.testing.Http;
import dev.storyline.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With no database configured, Storyline runs on an embedded PostgreSQL whose data survives restarts. */
class EmbeddedDatabaseIT {
    @TempDir
    Path dataDir;

    private AppConfig embeddedConfig() {
        return ConfigParser.parse(new JsonObject()
                .put("TELEGRAM_BOT_TOKEN", TestConfig.TOKEN)
                .put("ADMIN_TELEGRAM_CHAT_ID", "1")
                .put("STORYLINE_DATA_DIR", dataDir.toString())
                .put("HTTP_PORT", "0"), ConfigParser.Purpose.SERVE);
    }

    @Test
    @DisplayName("only a token and an admin chat: the embedded database starts, /health is 200, and data survives a restart")
    void survivesRestart() throws Exception {
        AppConfig config = embeddedConfig();
        assertThat(config.database().embedded()).isTrue();

        Application first = Application.start(config, Clock.systemUTC());
        try {
            assertThat(Http.get(first.httpPort(), "/health").status()).isEqualTo(200);
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(first.databaseSettings().jdbcUrl(),
                    first.databaseSettings().jdbcProperties()); java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO tenants (id, title, chat_type, state) VALUES (-77, 'Kept', 'group', 'approved')");
            }
        } finally {
            first.stop();
        }
        assertThat(dataDir.resolve("pg/postmaster.pid")).doesNotExist();

        Application second = Application.start(config, Clock.systemUTC());
        try {
            assertThat(Http.get(second.httpPort(), "/health").status()).isEqualTo(200);
            // the tenant is still there, and the orchestrator found it at start
            assertThat(new EventBusClient(second.vertx()).orchestratorState().await().schedulers())
                    .anySatisfy(s -> assertThat(s.tenantId()).isEqualTo(-77L));
        } finally {
            second.stop();
        }
    }

    @Test
    @DisplayName("the embedded database asks for a password kept 0600 in its directory; a trusting directory is converted at start")
    void passwordRequired() throws Exception {
        Path pg = dataDir.resolve("pg");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(pg, EmbeddedDatabase.Role.SERVER)) {
            assertPasswordRequired(db.settings());
        }
        Path file = pg.resolve(EmbeddedDatabase.PASSWORD_FILE);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(pg.resolve("pg_hba.conf"))).doesNotContain("trust");

        // as an older Storyline left it: every local connection trusted, no password file
        Files.writeString(pg.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
        Files.delete(file);
        try (EmbeddedDatabase db = EmbeddedDatabase.start(pg, EmbeddedDatabase.Role.SERVER)) {
            assertPasswordRequired(db.settings());
            assertThat(file).exists();
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(pg, EmbeddedDatabase.Role.SERVER)) {
            assertPasswordRequired(db.settings()); // and a third start reads the stored password
        }
    }

    /** Without the password: refused; with it: in. Over JDBC, as psql -h 127.0.0.1 -U postgres would try. */
    private static void assertPasswordRequired(ConnectionSettings settings) throws Exception {
        Properties none = new Properties();
        none.setProperty("user", "postgres");
        assertThatThrownBy(() -> DriverManager.getConnection(settings.jdbcUrl(), none).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
        Properties wrong = new Properties();
        wrong.setProperty("user", "postgres");
        wrong.setProperty("password", "guess");
        assertThatThrownBy(() -> DriverManager.getConnection(settings.jdbcUrl(), wrong).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    @DisplayName("an unusable data directory stops the start with one clear line")
    void unusableDirectory() throws IOException {
        AppConfig config = embeddedConfig();
        Files.writeString(dataDir.resolve("pg"), "a file where the database directory should be");

        assertThatThrownBy(() -> Application.start(config, Clock.systemUTC()))
                .isInstanceOf(DatabaseStartException.class)
                .hasMessageStartingWith("Cannot create the embedded database directory " + dataDir.resolve("pg"))
                .hasMessageNotContaining("\n");
    }
}
