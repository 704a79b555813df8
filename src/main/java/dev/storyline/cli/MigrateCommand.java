package dev.storyline.cli;

import dev.storyline.app.Logging;
import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.db.Database;
import dev.storyline.db.EmbeddedDatabase;
import dev.storyline.db.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Create or update the database schema (serve does this too).")
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE,
                spec.commandLine().getErr());
        if (config.isEmpty()) {
            return Cli.FAILED;
        }
        Logging.quiet();
        try (Database database = Database.open(config.get().database(), config.get().paths(), EmbeddedDatabase.Role.CLIENT)) {
            String version = Migrations.migrate(database.settings());
            spec.commandLine().getOut().println("Schema is at version " + version + " (" + database.describe() + ")");
            return Cli.OK;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("Migration failed: " + CommandSupport.oneLine(e));
            return Cli.FAILED;
        }
    }
}
