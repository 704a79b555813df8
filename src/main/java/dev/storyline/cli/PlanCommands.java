package dev.storyline.cli;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.plan.Planner;
import dev.storyline.plan.QueueQueries;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code plan top-off}, {@code queue list} and {@code history}: the plan from the command line, through the database. */
final class PlanCommands {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM HH:mm z", Locale.ENGLISH);

    private PlanCommands() {
    }

    /** A command's work once the configuration, the database and the tenants are there; returns the exit code. */
    @FunctionalInterface
    interface Job {
        int run(Pool pool, AppConfig config, List<Tenant> tenants);
    }

    /** Runs {@code job} for one tenant (--tenant) or every active one; prints problems and returns the exit code. */
    static int forTenants(CommandSpec spec, Long tenantId, Job job) {
        PrintWriter err = spec.commandLine().getErr();
        Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
        if (config.isEmpty()) {
            return Cli.FAILED;
        }
        try {
            return CommandSupport.withDatabase(config.get(), pool -> {
                List<Tenant> tenants;
                if (tenantId != null) {
                    Optional<Tenant> tenant = CommandSupport.tenant(pool, tenantId, err);
                    if (tenant.isEmpty()) {
                        return Cli.FAILED;
                    }
                    tenants = List.of(tenant.get());
                } else {
                    tenants = new TenantRepository(pool).findActive().await();
                }
                return job.run(pool, config.get(), tenants);
            });
        } catch (RuntimeException e) {
            err.println("Failed: " + CommandSupport.oneLine(e));
            return Cli.FAILED;
        }
    }

    /** Adds one tenant's rows to a table. */
    @FunctionalInterface
    interface Rows {
        void add(Table table, QueueQueries queue, Tenant tenant, ZoneId zone);
    }

    /** A table with rows from each chosen tenant, or {@code empty} when there are none. */
    static int tablePerTenant(CommandSpec spec, Long tenantId, int limit, Table table, String empty, Rows rows) {
        CommandSupport.checkLimit(spec, limit, 500);
        PrintWriter out = spec.commandLine().getOut();
        return forTenants(spec, tenantId, (pool, config, tenants) -> {
            QueueQueries queue = new QueueQueries(pool);
            tenants.forEach(tenant -> rows.add(table, queue, tenant, ZoneId.of(tenant.timezone())));
            if (table.isEmpty()) {
                out.println(empty);
            } else {
                table.print(out);
            }
            return Cli.OK;
        });
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "The tenants' plans.",
            subcommands = PlanCommands.TopOff.class)
    static final class Plan extends CommandGroup {
    }

    @Command(name = "top-off", mixinStandardHelpOptions = true,
            description = "Plan the missing slots of the coming days (idempotent); without --tenant, every active tenant.")
    static final class TopOff implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only this tenant.")
        Long tenantId;

        @Option(names = "--days", paramLabel = "N", description = "Days ahead (1-90; default SCHEDULE_HORIZON_DAYS).")
        Integer days;

        @Override
        public Integer call() {
            if (days != null && (days < 1 || days > 90)) {
                throw new ParameterException(spec.commandLine(), "--days must be between 1 and 90");
            }
            PrintWriter out = spec.commandLine().getOut();
            return forTenants(spec, tenantId, (pool, config, tenants) -> {
                AppConfig.SchedulingConfig scheduling = config.scheduling();
                Planner planner = new Planner(pool, scheduling, Clock.systemUTC());
                Table table = new Table("TENANT", "TITLE", "NEW", "ALREADY PLANNED", "WITHOUT IMAGE", "MOVED", "UNTIL");
                for (Tenant tenant : tenants) {
                    Planner.TopOff t = planner.topOff(tenant, days == null ? scheduling.horizonDays() : days, dev.storyline.run.Trigger.CLI).await();
                    table.row(tenant.id(), tenant.title(), t.added(), t.alreadyPlanned(), t.withoutImage(), t.replaced(), t.until());
                }
                if (table.isEmpty()) {
                    out.println("No active tenants to plan for.");
                } else {
                    table.print(out);
                }
                return Cli.OK;
            });
        }
    }

    @Command(name = "queue", mixinStandardHelpOptions = true, description = "The planned slots.",
            subcommands = PlanCommands.QueueList.class)
    static final class Queue extends CommandGroup {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The next planned slots, per tenant.")
    static final class QueueList implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only this tenant (default: every active tenant).")
        Long tenantId;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "Slots per tenant (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            return tablePerTenant(spec, tenantId, limit, new Table("TENANT", "SLOT", "DUE", "IMAGE", "CATEGORY", "ROUTE", "ATTEMPTS", "LAST ERROR"),
                    "Nothing planned. 'storyline plan top-off' plans the coming days.", (table, queue, tenant, zone) -> {
                        for (QueueQueries.QueueLine line : queue.upcomingLines(tenant.id(), limit).await()) {
                            table.row(tenant.id(), line.id(), WHEN.format(line.dueAt().atZone(zone)),
                                    line.title() == null ? "(none yet)" : line.title(), line.category() == null ? "-" : line.category(),
                                    line.route(), line.attempts(), line.lastError());
                        }
                    });
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "The last outcomes: posted, skipped, rejected, failed, expired.")
    static final class History implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only this tenant (default: every active tenant).")
        Long tenantId;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Lines per tenant (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            return tablePerTenant(spec, tenantId, limit, new Table("TENANT", "WHEN", "OUTCOME", "ROUTE", "IMAGE", "BY", "DRY RUN",
                            "INSTAGRAM", "ERROR"),
                    "No stories yet.", (table, queue, tenant, zone) -> {
                        for (QueueQueries.HistoryLine line : queue.history(tenant.id(), limit).await()) {
                            String instagram = line.permalink() != null ? line.permalink() : line.mediaId() != null ? line.mediaId() : "";
                            table.row(tenant.id(), WHEN.format(line.completedAt().atZone(zone)), line.outcome(),
                                    line.route() == null ? "" : line.route(), line.title(), line.who(), line.dryRun() ? "yes" : "",
                                    instagram, line.error());
                        }
                    });
        }
    }
}
