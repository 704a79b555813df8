package dev.storyline.cli;

import dev.storyline.app.Logging;
import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigException;
import dev.storyline.config.ConfigLoader;
import dev.storyline.config.ConfigParser;
import dev.storyline.db.Database;
import dev.storyline.db.DatabaseStartException;
import dev.storyline.db.EmbeddedDatabase;
import dev.storyline.db.Migrations;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** What the commands share: reading the configuration and opening the database for a short job. */
final class CommandSupport {
    private CommandSupport() {
    }

    static ConfigLoader.Sources sources(CommandSpec spec) {
        return ((StorylineCommand) spec.root().userObject()).sources();
    }

    /** The validated configuration, or empty after printing every problem to standard error. */
    static Optional<AppConfig> config(ConfigLoader.Sources sources, ConfigParser.Purpose purpose, PrintWriter err) {
        try {
            return Optional.of(ConfigLoader.load(sources, purpose));
        } catch (ConfigException e) {
            err.println("Invalid configuration:");
            e.problems().forEach(problem -> err.println("  - " + problem));
            err.println("Fix the keys above in .env, the environment or conf/config.json (see .env.example).");
            err.flush();
            return Optional.empty();
        }
    }

    /**
     * Runs a blocking job against the database on a short-lived Vert.x with a small pool. With the
     * embedded database this attaches to a running server's, or starts and stops one. The schema is
     * migrated first, so commands work on a fresh install.
     */
    static <T> T withDatabase(AppConfig config, Function<Pool, T> job) {
        return withVertx(config, (vertx, pool) -> job.apply(pool));
    }

    /** {@link #withDatabase} for jobs that also need Vert.x itself (worker threads, the file system). */
    static <T> T withVertx(AppConfig config, BiFunction<Vertx, Pool, T> job) {
        try {
            return withConnection(config, (vertx, pool, settings) -> job.apply(vertx, pool));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // the job above throws nothing checked
        }
    }

    /**
     * The usual shape of a database command: load the configuration, run {@code job} on the database,
     * and on trouble print "Could not {@code what}: reason" and fail.
     */
    static int onDatabase(CommandSpec spec, String what, Function<Pool, Integer> job) {
        PrintWriter err = spec.commandLine().getErr();
        Optional<AppConfig> config = config(sources(spec), ConfigParser.Purpose.DATABASE, err);
        if (config.isEmpty()) {
            return Cli.FAILED;
        }
        try {
            return withDatabase(config.get(), job);
        } catch (RuntimeException e) {
            err.println("Could not " + what + ": " + oneLine(e));
            return Cli.FAILED;
        }
    }

    /** A job that also needs the connection settings (JDBC for backups). */
    @FunctionalInterface
    interface DatabaseJob<T> {
        T run(Vertx vertx, Pool pool, dev.storyline.db.ConnectionSettings settings) throws Exception;
    }

    /** {@link #withVertx} that also hands over the connection settings; one database opening for the whole job. */
    static <T> T withConnection(AppConfig config, DatabaseJob<T> job) throws Exception {
        Logging.quiet();
        try (Database database = Database.open(config.database(), config.paths(), EmbeddedDatabase.Role.CLIENT)) {
            Migrations.migrate(database.settings());
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            Pool pool = database.createPool(vertx, 2);
            try {
                return job.run(vertx, pool, database.settings());
            } finally {
                pool.close().await();
                vertx.close().await();
            }
        }
    }

    /** The tenant with this chat id, or empty after telling the user how to find the right id. */
    static Optional<Tenant> tenant(Pool pool, long chatId, PrintWriter err) {
        Optional<Tenant> tenant = new TenantRepository(pool).findById(chatId).await();
        if (tenant.isEmpty()) {
            err.println(unknownTenant(chatId));
        }
        return tenant;
    }

    /** Refuses a {@code --limit} outside 1..{@code max} with the same words in every command. */
    static void checkLimit(CommandSpec spec, int limit, int max) {
        if (limit < 1 || limit > max) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be between 1 and " + max);
        }
    }

    static String unknownTenant(long chatId) {
        return "Unknown tenant " + chatId + ": 'storyline tenants list' shows the chat ids.";
    }

    static String oneLine(RuntimeException e) {
        return e instanceof DatabaseStartException ? e.getMessage() : DatabaseStartException.rootMessage(e);
    }
}
