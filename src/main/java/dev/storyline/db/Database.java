package dev.storyline.db;

import dev.storyline.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The PostgreSQL Storyline uses: an external server ({@code DATABASE_URL} or {@code DB_*}) or the
 * embedded one. Opened on the main thread before Vert.x starts, closed after Vert.x has stopped.
 */
public final class Database implements AutoCloseable {
    private final ConnectionSettings settings;
    private final EmbeddedDatabase embedded; // null for an external server
    private final String description;

    private Database(ConnectionSettings settings, EmbeddedDatabase embedded, String description) {
        this.settings = settings;
        this.embedded = embedded;
        this.description = description;
    }

    public static Database open(AppConfig.DatabaseConfig config, AppConfig.Paths paths, EmbeddedDatabase.Role role) {
        if (config.external().isPresent()) {
            ConnectionSettings settings = ConnectionSettings.of(config.external().get());
            return new Database(settings, null, "PostgreSQL " + settings.describe());
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(paths.embeddedDatabaseDir(), role);
        return new Database(embedded.settings(), embedded, embedded.describe());
    }

    /** For tests and tools that already know where the server is. */
    public static Database external(ConnectionSettings settings) {
        return new Database(settings, null, "PostgreSQL " + settings.describe());
    }

    public ConnectionSettings settings() {
        return settings;
    }

    public String describe() {
        return description;
    }

    /** The one shared reactive pool of the process. */
    public Pool createPool(Vertx vertx, int maxSize) {
        PoolOptions options = new PoolOptions()
                .setMaxSize(maxSize)
                .setName("storyline")
                .setMaxWaitQueueSize(10_000)
                .setConnectionTimeout(10)
                .setIdleTimeout(5)
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MINUTES);
        return PgBuilder.pool()
                .with(options)
                .with(new NetClientOptions().setConnectTimeout(ConnectionSettings.CONNECT_TIMEOUT_MILLIS))
                .connectingTo(settings.pgConnectOptions())
                .using(vertx)
                .build();
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
