package dev.storyline.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flyway owns the schema; migrations live in {@code src/main/resources/db/migration}. Blocking. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Brings the schema up to date and returns the version it is at. */
    public static String migrate(ConnectionSettings settings) {
        Flyway flyway = Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password().reveal())
                .locations("classpath:db/migration")
                .connectRetries(2)
                .load();
        try {
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Database schema migrated from {} to {} ({} migrations)",
                        result.initialSchemaVersion == null ? "empty" : result.initialSchemaVersion,
                        result.targetSchemaVersion, result.migrationsExecuted);
            }
            return flyway.info().current() == null ? "empty" : flyway.info().current().getVersion().getVersion();
        } catch (RuntimeException e) {
            throw new DatabaseStartException("Database migration failed on " + settings.describe() + ": "
                    + DatabaseStartException.rootMessage(e), e);
        }
    }
}
