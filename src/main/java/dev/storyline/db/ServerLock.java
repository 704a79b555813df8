package dev.storyline.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One server per database (issue 13, D32): {@code serve} holds a PostgreSQL session-level advisory lock
 * on a connection of its own for as long as it runs; a second {@code serve} on the same database is
 * refused instead of sending every story twice. PostgreSQL releases the lock when the connection ends,
 * so a killed server never leaves it behind. The CLI's commands take no such lock and work beside it.
 * Blocking: taken on the main thread before Vert.x starts.
 */
public final class ServerLock implements AutoCloseable {
    /** The two-key form, so it never meets the single-key locks of the media indexer (tenant ids). */

    private final Connection connection;

    private ServerLock(Connection connection) {
        this.connection = connection;
    }

    /** @throws DatabaseStartException when another server holds the lock, or the database cannot be reached */
    public static ServerLock acquire(ConnectionSettings settings, String description) {
        return acquire(settings, description, false);
    }

    /**
     * D32: the nodes of a cluster take the lock shared (any number of them), a single server takes it
     * alone: a cluster node never starts beside a single server, nor a single server beside a cluster.
     */
    public static ServerLock acquire(ConnectionSettings settings, String description, boolean clusterNode) {
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties());
            if (!DatabaseRepository.tryServerLock(connection, clusterNode)) {
                throw new DatabaseStartException(clusterNode
                        ? "A Storyline server that is not part of a cluster is running on " + description
                                + ". Stop it before starting cluster nodes on this database (serve --cluster on every machine)."
                        : "Another Storyline server is already running on " + description
                                + ". Only one server may use a database: stop the other one first (commands such as "
                                + "'tenants list' work beside it), or give this one another database; several servers "
                                + "share one database only as a cluster (serve --cluster).");
            }
            return new ServerLock(connection);
        } catch (SQLException e) {
            close(connection);
            throw new DatabaseStartException("Cannot take the server lock on " + description + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    @Override
    public void close() {
        close(connection);
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the lock ends with the session either way
            }
        }
    }
}
