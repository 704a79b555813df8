package dev.storyline.cli;

import dev.storyline.tenant.CategoryMix;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.notice.Notices;
import dev.storyline.tenant.TenantAdmin;
import dev.storyline.tenant.TenantRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mix show|set}: a tenant's category mix (D27) and its history, through the database. */
@Command(name = "mix", mixinStandardHelpOptions = true, description = "A tenant's category mix: show (with its history), set.",
        subcommands = {MixCommand.Show.class, MixCommand.Set.class})
final class MixCommand extends CommandGroup {

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The mix in force and the changes before it.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id.")
        long tenantId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return CommandSupport.onDatabase(spec, "show the mix", pool -> {
                if (CommandSupport.tenant(pool, tenantId, spec.commandLine().getErr()).isEmpty()) {
                    return Cli.FAILED;
                }
                CategoryMixRepository mixes = new CategoryMixRepository(pool);
                out.println("Mix: " + mixes.current(tenantId).await().describe());
                List<CategoryMixRepository.Period> history = mixes.history(tenantId, 50).await();
                if (!history.isEmpty()) {
                    Table table = new Table("CATEGORY", "PERCENT", "FROM", "UNTIL", "BY", "SOURCE");
                    history.forEach(p -> table.row(p.category(), p.percent(), p.validFrom(), p.current() ? "now" : p.validTo(),
                            p.by() == null ? "-" : p.by(), p.source()));
                    table.print(out);
                }
                return Cli.OK;
            });
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the mix, e.g. 'memes 70, merch 30' (percents adding up to 100), or 'none' for even variety.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id.")
        long tenantId;

        @Parameters(index = "0", paramLabel = "MIX", description = "Like 'memes 70, merch 30', or 'none'.")
        String text;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CategoryMix mix;
            try {
                mix = CategoryMix.parse(text);
            } catch (IllegalArgumentException e) {
                err.println("Not a mix: " + e.getMessage() + ".");
                return Cli.USAGE;
            }
            return CommandSupport.onDatabase(spec, "set the mix", pool -> {
                var tenant = CommandSupport.tenant(pool, tenantId, err);
                if (tenant.isEmpty()) {
                    return Cli.FAILED;
                }
                // the same path as the admin API: kept in the history, the chat told (through the server's notices)
                boolean changed = new TenantAdmin(new TenantRepository(pool), new CategoryMixRepository(pool), new Notices(pool, null),
                        announced -> { }, Clock.systemUTC())
                        .changeMix(tenant.get(), new TenantRepository.Actor(null, "cli", null, null, null), mix).await().isPresent();
                out.println(changed ? "Mix of tenant " + tenantId + " is now " + mix.describe() + "; the server plans with it within a minute."
                        : "Mix of tenant " + tenantId + " is " + mix.describe() + " already; nothing changed.");
                return Cli.OK;
            });
        }
    }
}
