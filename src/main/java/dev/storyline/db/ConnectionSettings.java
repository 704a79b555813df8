package dev.storyline.db;

import dev.storyline.config.AppConfig.ExternalDatabase;
import dev.storyline.config.Secret;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

import java.util.Properties;

/** Where the database is, in the two forms Storyline needs: reactive (runtime) and JDBC (Flyway). */
public record ConnectionSettings(String host, int port, String database, String user, Secret password, String sslMode) {

    /** How long a connection attempt may take before the pool reports the database as unreachable. */
    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    public static ConnectionSettings of(ExternalDatabase external) {
        return new ConnectionSettings(external.host(), external.port(), external.database(), external.user(),
                external.password(), external.sslMode());
    }

    /** Each statement of the server's pool ends after this long (PostgreSQL's {@code statement_timeout}). */
    public static final int STATEMENT_TIMEOUT_MILLIS = 30_000;

    public ConnectionSettings withDatabase(String otherDatabase) {
        return new ConnectionSettings(host, port, otherDatabase, user, password, sslMode);
    }

    public PgConnectOptions pgConnectOptions() {
        SslMode mode = SslMode.of(sslMode);
        PgConnectOptions options = new PgConnectOptions()
                .setHost(host)
                .setPort(port)
                .setDatabase(database)
                .setUser(user)
                .setPassword(password.reveal())
                .setSslMode(mode)
                // every query is a fixed text: prepare it once per connection, not on every call
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(256)
                // no statement may hold a pool connection for ever (a lock wait, a runaway query): it fails and is retried
                .addProperty("statement_timeout", String.valueOf(STATEMENT_TIMEOUT_MILLIS))
                .addProperty("application_name", "storyline");
        if (mode == SslMode.VERIFY_FULL) {
            options.setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS"));
        } else if (mode == SslMode.VERIFY_CA) {
            options.setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm(""));
        } else if (mode != SslMode.DISABLE) {
            // like libpq: allow/prefer/require encrypt but do not verify the server certificate
            options.setSslOptions(new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm(""));
        }
        return options;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode;
    }

    public Properties jdbcProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password.isPresent()) {
            properties.setProperty("password", password.reveal());
        }
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MILLIS / 1000));
        properties.setProperty("ApplicationName", "storyline");
        return properties;
    }

    /** For logs and error messages: never includes the password. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
