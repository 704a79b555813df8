package dev.storyline.cli;

import dev.storyline.app.Version;
import dev.storyline.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code storyline [command]}; without a command it serves, as systemd runs it. */
@Command(name = "storyline",
        mixinStandardHelpOptions = true,
        versionProvider = StorylineCommand.VersionProvider.class,
        description = "Self-hosted Instagram Story scheduler for teams who work in Telegram.",
        subcommands = {
                ServeCommand.class,
                MigrateCommand.class,
                TenantsCommand.class,
                MediaCommand.class,
                InstagramCommand.class,
                MixCommand.class,
                OperationsCommands.Users.class,
                LocksCommand.class,
                ClusterCommand.class,
                OperationsCommands.Runs.class,
                OperationsCommands.Telegram.class,
                OperationsCommands.BackupCommand.class,
                OperationsCommands.RestoreCommand.class,
                PlanCommands.Plan.class,
                PlanCommands.Queue.class,
                PlanCommands.History.class,
                HealthCommand.class,
                VersionCommand.class
        })
public final class StorylineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final ConfigLoader.Sources sources;

    StorylineCommand(ConfigLoader.Sources sources) {
        this.sources = sources;
    }

    ConfigLoader.Sources sources() {
        return sources;
    }

    @Override
    public Integer call() {
        return ServeCommand.serve(sources, spec.commandLine().getErr());
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Storyline " + Version.current()};
        }
    }
}
