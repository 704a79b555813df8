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

    /** How long an unused connection stays open. */
    public static final java.time.Duration IDLE_CONNECTION = java.time.Duration.ofSeconds(10);

    /** The one shared reactive pool of the process. */
    public Pool createPool(Vertx vertx, int maxSize) {
        return createPool(vertx, maxSize, IDLE_CONNECTION);
    }

    /** As above, closing connections unused for {@code idle}. */
    public Pool createPool(Vertx vertx, int maxSize, java.time.Duration idle) {
        PoolOptions options = new PoolOptions()
                .setMaxSize(maxSize)
                .setName("storyline")
                .setMaxWaitQueueSize(10_000)
                .setConnectionTimeout(10)
                // issue 19: a connection idle for 10 s is closed, and with it its PostgreSQL process (2-3 MB): a busy minute
                // (a thousand top-offs) has all of them, a quiet install holds one or two
                .setIdleTimeout((int) idle.toMillis())
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
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
