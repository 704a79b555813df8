package dev.storyline.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The statements about the database itself rather than Storyline's tables: the health probe, the
 * one-server lock (on the lock's own connection) and, for the embedded server, creating the application
 * database (JDBC, before Vert.x exists, on a connection the caller owns).
 */
public final class DatabaseRepository {
    private static final String PING = "SELECT 1";
    /**
     * 1400139634 = "Stor": the session-level lock one Storyline server holds while it runs; the two-key form, so it never
     * meets the single-key locks of the media indexer (tenant ids).
     */
    private static final String TRY_SERVER_LOCK = "SELECT pg_try_advisory_lock(1400139634, 1)";
    /** D32: every node of a cluster shares the lock; a single server (exclusive) and a cluster never run on one database together. */
    private static final String TRY_SHARED_SERVER_LOCK = "SELECT pg_try_advisory_lock_shared(1400139634, 1)";
    private static final String DATABASE_EXISTS = "SELECT 1 FROM pg_database WHERE datname = ?";

    private final Pool pool;

    public DatabaseRepository(Pool pool) {
        this.pool = pool;
    }

    /** Completes when the database answered {@code SELECT 1}. */
    public Future<Void> ping() {
        return pool.query(PING).execute().mapEmpty();
    }

    /** Takes the one-server lock on {@code connection}'s session; false when another session holds it. */
    static Future<Boolean> tryServerLock(SqlConnection connection, boolean shared) {
        return connection.query(shared ? TRY_SHARED_SERVER_LOCK : TRY_SERVER_LOCK).execute()
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Sets a role's password; {@code password} is base64url (no quote can end the literal), {@code role} a constant. */
    static void setPassword(Connection connection, String role, String password) throws SQLException {
        if (!password.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("a generated password is base64url");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
        }
    }

    /** Makes the server read {@code pg_hba.conf} and its settings again. */
    static void reloadConfiguration(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    /** Creates database {@code name} (a constant, never input) unless it exists; true when it was created. */
    static boolean createDatabaseIfMissing(Connection connection, String name) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(DATABASE_EXISTS)) {
            exists.setString(1, name);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return false;
                }
            }
        }
        try (Statement create = connection.createStatement()) {
            create.execute("CREATE DATABASE " + name);
            return true;
        }
    }
}
