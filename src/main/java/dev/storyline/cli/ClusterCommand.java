package dev.storyline.cli;

import dev.storyline.cluster.LeaseRepository;
import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code cluster status}: the cluster's nodes, the tenants each runs and who leads, as the database sees them (D32). */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "A cluster of Storyline nodes (serve --cluster): status.",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand extends CommandGroup {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Every node seen in the last day (live or not), how many tenants each runs, and which node polls Telegram.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            try {
                return CommandSupport.withDatabase(config.get(), pool -> {
                    JsonObject status = new LeaseRepository(pool, config.get().cluster().lease()).status().await();
                    if (json) {
                        out.println(status.encodePrettily());
                        return Cli.OK;
                    }
                    if (status.getJsonArray("nodes").isEmpty()) {
                        out.println("No cluster node has run on this database in the last day (serve --cluster starts one).");
                        return Cli.OK;
                    }
                    Table table = new Table("NODE", "ADDRESS", "LIVE", "TENANTS", "STARTED", "LAST SEEN");
                    for (Object each : status.getJsonArray("nodes")) {
                        JsonObject node = (JsonObject) each;
                        table.row(node.getString("node"), node.getString("address"), node.getBoolean("live") ? "yes" : "no",
                                node.getJsonArray("tenants").size(), node.getString("startedAt"), node.getString("seenAt"));
                    }
                    table.print(out);
                    JsonObject leaders = status.getJsonObject("leaders");
                    out.println("Telegram: " + Optional.ofNullable(leaders.getString("telegram")).orElse("no node polls it now")
                            + " · insights: " + Optional.ofNullable(leaders.getString("insights")).orElse("no node reads them now"));
                    return Cli.OK;
                });
            } catch (RuntimeException e) {
                err.println("Could not read the cluster's state: " + CommandSupport.oneLine(e));
                return Cli.FAILED;
            }
        }
    }
}
