package dev.storyline.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Flyway owns the schema; migrations live in {@code src/main/resources/db/migration}. Blocking. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String LOCATION = "db/migration";
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

    private Migrations() {
    }

    /**
     * Brings the schema up to date and returns the version it is at. When the database already has every
     * migration this build ships (the usual start), one query says so and Flyway is not started at all
     * (issue 19: Flyway's scan and validation were a quarter of a start); it runs for anything else: a new
     * database, a newer build, a failed migration. The price: an applied migration edited afterwards is
     * noticed by Flyway's checksums only when the next migration comes.
     */
    public static String migrate(ConnectionSettings settings) {
        Optional<String> current = upToDate(settings);
        if (current.isPresent()) {
            return current.get();
        }
        Flyway flyway = Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password().reveal())
                .locations("classpath:" + LOCATION)
                .connectRetries(2)
                .load();
        try {
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Database schema migrated from {} to {} ({} migrations)",
                        result.initialSchemaVersion == null ? "empty" : result.initialSchemaVersion,
                        result.targetSchemaVersion, result.migrationsExecuted);
            }
            // the result says where the schema is: asking Flyway's info() again would scan and query a second time (issue 19)
            String version = result.migrationsExecuted > 0 && result.targetSchemaVersion != null ? result.targetSchemaVersion
                    : result.initialSchemaVersion;
            return version == null ? "empty" : version;
        } catch (RuntimeException e) {
            throw new DatabaseStartException("Database migration failed on " + settings.describe() + ": "
                    + DatabaseStartException.rootMessage(e), e);
        }
    }

    /** The applied version and the failed migrations, from Flyway's own history table. */
    private static final String APPLIED = "SELECT max(version::int) FILTER (WHERE success), count(*) FILTER (WHERE NOT success) "
            + "FROM flyway_schema_history WHERE version IS NOT NULL";

    /** The schema's version when it holds exactly the newest migration shipped here and no failed one; empty when Flyway must look. */
    static Optional<String> upToDate(ConnectionSettings settings) {
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery(APPLIED)) {
            r.next();
            int applied = r.getInt(1);
            return r.wasNull() ? Optional.empty() : ifNewest(applied, r.getLong(2));
        } catch (SQLException e) {
            // a new database (no history yet), a version that is no number, no rights: Flyway decides
            return Optional.empty();
        }
    }

    /** {@link #upToDate} on a Vert.x connection (the server's start, issue 19: no JDBC driver when nothing is to migrate). */
    static Future<Optional<String>> current(SqlConnection connection) {
        return connection.query(APPLIED).execute()
                .map(rows -> {
                    Row r = rows.iterator().next();
                    Integer applied = r.getInteger(0);
                    return applied == null ? Optional.<String>empty() : ifNewest(applied, r.getLong(1));
                })
                .otherwise(Optional.empty()); // as above: Flyway decides
    }

    private static Optional<String> ifNewest(int applied, long failed) {
        OptionalInt newest = newestShipped();
        return newest.isPresent() && failed == 0 && applied == newest.getAsInt() ? Optional.of(String.valueOf(applied)) : Optional.empty();
    }

    /** The highest {@code V<n>__} among the migration files of this build (from the jar's entries or the classes folder). */
    public static OptionalInt newestShipped() {
        try {
            Path source = Path.of(Migrations.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> names = new ArrayList<>();
            if (Files.isDirectory(source)) {
                Path folder = source.resolve(LOCATION);
                if (Files.isDirectory(folder)) {
                    try (Stream<Path> files = Files.list(folder)) {
                        files.forEach(f -> names.add(f.getFileName().toString()));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    jar.stream().map(JarEntry::getName).filter(n -> n.startsWith(LOCATION + "/"))
                            .forEach(n -> names.add(n.substring(LOCATION.length() + 1)));
                }
            }
            return names.stream().map(VERSIONED::matcher).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
