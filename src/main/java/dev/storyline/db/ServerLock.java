package dev.storyline.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One server per database (issue 13, D32): {@code serve} holds a PostgreSQL session-level advisory lock
 * on a connection of its own for as long as it runs; a second {@code serve} on the same database is
 * refused instead of sending every story twice. PostgreSQL releases the lock when the connection ends,
 * so a killed server never leaves it behind. The CLI's commands take no such lock and work beside it.
 * <p>
 * The connection is Vert.x's, like the pool's (issue 19: no JDBC driver is loaded at a usual start), and
 * the start asks it whether the schema is current ({@link #currentSchema}) before Flyway is needed.
 * Blocking: taken on the main thread before any actor is deployed, never on an event loop.
 */
public final class ServerLock implements AutoCloseable {
    private final Pool pool;
    private final SqlConnection connection;

    private ServerLock(Pool pool, SqlConnection connection) {
        this.pool = pool;
        this.connection = connection;
    }

    /**
     * D32: the nodes of a cluster take the lock shared (any number of them), a single server takes it
     * alone: a cluster node never starts beside a single server, nor a single server beside a cluster.
     *
     * @throws DatabaseStartException when another server holds the lock, or the database cannot be reached
     */
    public static ServerLock acquire(Vertx vertx, ConnectionSettings settings, String description, boolean clusterNode) {
        // a pool of one for its connect timeout; the connection is borrowed for good (never idle, never closed by the pool)
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1).setName("storyline-server-lock"))
                .with(new NetClientOptions().setConnectTimeout(ConnectionSettings.CONNECT_TIMEOUT_MILLIS))
                .connectingTo(settings.pgConnectOptions())
                .using(vertx)
                .build();
        SqlConnection connection = null;
        try {
            connection = pool.getConnection().await();
            if (!DatabaseRepository.tryServerLock(connection, clusterNode).await()) {
                throw new DatabaseStartException(clusterNode
                        ? "A Storyline server that is not part of a cluster is running on " + description
                                + ". Stop it before starting cluster nodes on this database (serve --cluster on every machine)."
                        : "Another Storyline server is already running on " + description
                                + ". Only one server may use a database: stop the other one first (commands such as "
                                + "'tenants list' work beside it), or give this one another database; several servers "
                                + "share one database only as a cluster (serve --cluster).");
            }
            return new ServerLock(pool, connection);
        } catch (RuntimeException e) {
            new ServerLock(pool, connection).close();
            throw e instanceof DatabaseStartException refused ? refused
                    : new DatabaseStartException("Cannot take the server lock on " + description + ": " + DatabaseStartException.rootMessage(e), e);
        }
    }

    /** The schema's version when it holds exactly the newest migration of this build (see {@link Migrations#current}). */
    public Optional<String> currentSchema() {
        return Migrations.current(connection).await();
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close().await(2, TimeUnit.SECONDS);
            }
            pool.close().await(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the lock ends with the session either way (and with Vert.x, which closes its connections)
        }
    }
}
