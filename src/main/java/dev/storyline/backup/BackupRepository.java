package dev.storyline.backup;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of a backup and a restore, over one JDBC connection the caller owns (the CLI runs
 * them, outside Vert.x). Table and column names come from {@link Backup#TABLES} and the catalogue,
 * never from the backup file unchecked.
 */
final class BackupRepository {
    private static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    private static final String SCHEMA_VERSION = "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1";
    private static final String COLUMNS = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            + "AND table_name = ? ORDER BY ordinal_position";
    private static final String TENANTS = "SELECT count(*) FROM tenants";
    private static final String TENANT_MEDIA_DIRS = "SELECT media_dir FROM tenants WHERE media_dir IS NOT NULL AND media_dir <> ''";

    private final Connection conn;

    BackupRepository(Connection conn) {
        this.conn = conn;
    }

    /** Starts the one consistent, read-only snapshot every table is copied in. */
    void snapshot() throws SQLException {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.execute(SNAPSHOT);
        }
    }

    String schemaVersion() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SCHEMA_VERSION)) {
            return rs.next() ? rs.getString(1) : "empty";
        }
    }

    /** A table's columns in order; fails when the table does not exist. */
    List<String> columns(String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(COLUMNS)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
        }
        if (cols.isEmpty()) {
            throw new SQLException("table " + table + " does not exist: is the schema migrated?");
        }
        return cols;
    }

    void copyOut(String table, List<String> cols, OutputStream out) throws SQLException, IOException {
        copy().copyOut("COPY " + table + " (" + String.join(", ", cols) + ") TO STDOUT", out);
    }

    void copyIn(String table, List<String> cols, InputStream in) throws SQLException, IOException {
        copy().copyIn("COPY " + table + " (" + String.join(", ", cols) + ") FROM STDIN", in);
    }

    long tenantCount() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(TENANTS)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Empties every table of a backup (rows a server that ran once may have written). */
    void truncate(List<String> tables) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
        }
    }

    /**
     * Moves the queue's id sequence past every id a history row names too: slots that ended left the
     * queue, and a backfill's history rows draw their ids from it (D31), so the highest queue row is
     * not the highest id in use. A new slot must never take an id a history row holds.
     */
    void resetQueueSequence() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("SELECT setval(pg_get_serial_sequence('posting_queue', 'id'), greatest(coalesce((SELECT max(id) FROM posting_queue), 1), "
                    + "coalesce((SELECT max(queue_item_id) FROM posting_history), 1)), true)");
        }
    }

    /** Moves a table's id sequence past its rows; a table without a serial id is left alone. */
    void resetSequence(String table) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM " + table);
        } catch (SQLException e) {
            if (!"42809".equals(e.getSQLState()) && !"22023".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** The media folders tenants were pointed at ({@code tenants set-media-dir}). */
    List<Path> tenantMediaDirs() throws SQLException {
        List<Path> dirs = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(TENANT_MEDIA_DIRS)) {
            while (rs.next()) {
                dirs.add(Path.of(rs.getString(1)));
            }
        }
        return dirs;
    }

    private CopyManager copy() throws SQLException {
        return conn.unwrap(PGConnection.class).getCopyAPI();
    }
}
