package dev.storyline.testing;

import dev.storyline.config.AppConfig.ExternalDatabase;
import dev.storyline.config.DatabaseUrl;
import dev.storyline.config.Secret;
import dev.storyline.db.ConnectionSettings;
import dev.storyline.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL for tests. The server is chosen once per test JVM: {@code
 * STORYLINE_TEST_DATABASE_URL} if set, else Testcontainers when a Docker engine answers within a
 * second, else an embedded PostgreSQL. Each {@link #create()} makes a fresh, migrated database, so
 * no test class sees another's rows.
 */
public final class TestDatabase {
    private static ConnectionSettings server;
    private static String serverKind;

    private final ConnectionSettings settings;

    private TestDatabase(ConnectionSettings settings) {
        this.settings = settings;
    }

    /** A new empty database with the schema migrated. */
    public static TestDatabase create() {
        TestDatabase database = createEmpty();
        Migrations.migrate(database.settings);
        return database;
    }

    /** A new database without the schema (for migration tests). */
    public static TestDatabase createEmpty() {
        ConnectionSettings admin = server();
        String name = "storyline_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create a test database on " + admin.describe()
                    + " (the user needs CREATEDB): " + e.getMessage(), e);
        }
        return new TestDatabase(admin.withDatabase(name));
    }

    public static synchronized String serverKind() {
        server();
        return serverKind;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /** The database as a {@code DATABASE_URL}, for configuring the application under test. */
    public String url() {
        String password = settings.password().reveal();
        return "postgresql://" + encode(settings.user()) + (password.isEmpty() ? "" : ":" + encode(password))
                + "@" + settings.host() + ":" + settings.port() + "/" + settings.database() + "?sslmode=" + settings.sslMode();
    }

    /** Runs one statement with {@code ?} parameters (test setup is allowed to block). */
    public int execute(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of every row, as Java objects. */
    public List<Object> column(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet rows = statement.executeQuery()) {
            List<Object> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getObject(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public long count(String sql, Object... params) {
        return ((Number) column(sql, params).get(0)).longValue();
    }

    /** Runs a statement expecting the database to refuse it; returns the SQLSTATE. */
    public String sqlStateOf(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params)) {
            statement.executeUpdate();
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** Inserts a tenant in the given state (approved/pending/declined), with default settings. */
    public void insertTenant(long chatId, String title, String state, boolean paused) {
        execute("INSERT INTO tenants (id, title, chat_type, state, is_paused) VALUES (?, ?, 'supergroup', ?, ?)",
                chatId, title, state, paused);
    }

    /** A Vert.x pool on this database, as the application would open it. */
    public io.vertx.sqlclient.Pool pool(io.vertx.core.Vertx vertx) {
        return dev.storyline.db.Database.external(settings).createPool(vertx, 4);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties());
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // --- choosing the server, once per JVM ---

    private static synchronized ConnectionSettings server() {
        if (server != null) {
            return server;
        }
        String url = System.getenv("STORYLINE_TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            ExternalDatabase external = DatabaseUrl.parse(url);
            server = ConnectionSettings.of(external);
            serverKind = "STORYLINE_TEST_DATABASE_URL";
        } else if (dockerAnswers()) {
            server = startContainer();
            serverKind = "Testcontainers";
        } else {
            server = startEmbedded();
            serverKind = "embedded PostgreSQL";
        }
        return server;
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
    private static ConnectionSettings startContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
        container.start();
        return new ConnectionSettings(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
                container.getUsername(), Secret.of(container.getPassword()), "disable");
    }

    private static ConnectionSettings startEmbedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("storyline-test-pg"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("unix_socket_directories", "")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is ending
                }
            }));
            return new ConnectionSettings("127.0.0.1", postgres.getPort(), "postgres", "postgres", Secret.of(""), "disable");
        } catch (IOException e) {
            throw new IllegalStateException("Embedded PostgreSQL for tests could not start: " + e.getMessage(), e);
        }
    }

    /**
     * A Docker engine Testcontainers can use, by Testcontainers' own check (its configured strategies,
     * {@code DOCKER_HOST}, the socket); bounded to a few seconds so a machine without Docker falls back at once.
     */
    static boolean dockerAnswers() {
        CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                return false;
            }
        });
        try {
            return check.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            check.cancel(true);
            return false;
        }
    }
}
