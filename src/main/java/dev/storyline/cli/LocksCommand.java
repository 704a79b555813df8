package dev.storyline.cli;

import dev.storyline.media.LockRepository;
import dev.storyline.media.MediaVerticle;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.Tenant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code locks list|remove}: which images rest and why, and the undo of a lock (D13), through the database. */
@Command(name = "locks", mixinStandardHelpOptions = true, description = "Image locks: list, remove (bring a rejected image back).",
        subcommands = {LocksCommand.ListLocks.class, LocksCommand.Remove.class})
final class LocksCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The images of a tenant that rest now, and why.")
    static final class ListLocks implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id.")
        long tenantId;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CommandSupport.checkLimit(spec, limit, 10_000);
            return CommandSupport.onDatabase(spec, "list locks", pool -> {
                Optional<Tenant> tenant = CommandSupport.tenant(pool, tenantId, spec.commandLine().getErr());
                if (tenant.isEmpty()) {
                    return Cli.FAILED;
                }
                List<LockRepository.Lock> locks = new LockRepository(pool).list(tenantId, Instant.now(), limit).await();
                if (locks.isEmpty()) {
                    out.println("No image of " + tenant.get().title() + " is locked.");
                    return Cli.OK;
                }
                Table table = new Table("ITEM", "IMAGE", "REASON", "UNTIL", "SINCE");
                locks.forEach(l -> table.row(l.mediaItemId(), l.image(), l.reason(), l.until(), l.createdAt()));
                table.print(out);
                return Cli.OK;
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Lift an image's locks: a rejected or resting image may be planned again (recorded in service_runs).")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id.")
        long tenantId;

        @Option(names = "--item", required = true, paramLabel = "ITEM_ID", description = "The image's id (see 'locks list').")
        long itemId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return CommandSupport.onDatabase(spec, "remove a lock", pool -> {
                if (CommandSupport.tenant(pool, tenantId, err).isEmpty()) {
                    return Cli.FAILED;
                }
                List<String> removed = new ServiceRunRepository(pool, Clock.systemUTC()).recorded(tenantId, MediaVerticle.LOCK_REMOVE_SERVICE,
                        Trigger.CLI, null, new JsonObject().put("mediaItemId", itemId),
                        () -> new LockRepository(pool).remove(tenantId, itemId, Instant.now()),
                        reasons -> new JsonObject().put("removed", new JsonArray(reasons))).await();
                if (removed.isEmpty()) {
                    err.println("Image " + itemId + " of tenant " + tenantId + " is not locked ('locks list --tenant " + tenantId
                            + "' shows what is).");
                    return Cli.FAILED;
                }
                out.println("Lifted the " + String.join(" and ", removed) + " lock of image " + itemId
                        + ": it may be planned again at the next top-off.");
                return Cli.OK;
            });
        }
    }
}
