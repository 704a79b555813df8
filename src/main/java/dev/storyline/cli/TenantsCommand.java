package dev.storyline.cli;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "The chats Storyline serves.",
        subcommands = {TenantsCommand.ListCommand.class, OperationsCommands.Approve.class, OperationsCommands.Pause.class,
                OperationsCommands.Resume.class, TenantsCommand.SetMediaDirCommand.class})
final class TenantsCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every tenant with its state and schedule.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            List<Tenant> tenants;
            try {
                tenants = CommandSupport.withDatabase(config.get(), pool -> new TenantRepository(pool).findAll().await());
            } catch (RuntimeException e) {
                err.println("Could not list tenants: " + CommandSupport.oneLine(e));
                return Cli.FAILED;
            }
            if (tenants.isEmpty()) {
                out.println("No tenants yet. Add the bot to a Telegram group and send /start there.");
                return Cli.OK;
            }
            Table table = new Table("CHAT ID", "TITLE", "TYPE", "STATE", "POSTING", "POSTS/DAY", "WINDOW", "DRY RUN");
            for (Tenant t : tenants) {
                table.row(t.id(), t.title(), t.chatType(), t.state(), t.paused() ? "paused" : "active", t.postsPerDay(),
                        String.format("%02d-%02d %s", t.postingHoursStart(), t.postingHoursEnd(), t.timezone()),
                        t.dryRun() ? "on" : "off");
            }
            table.print(out);
            out.println(tenants.size() + " tenant" + (tenants.size() == 1 ? "" : "s") + ", "
                    + tenants.stream().filter(Tenant::active).count() + " active");
            return Cli.OK;
        }
    }

    @Command(name = "set-media-dir", mixinStandardHelpOptions = true,
            description = "Point a tenant at its media folder, or back to <MEDIA_DIR>/<chat id>/ with --default.")
    static final class SetMediaDirCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CHAT_ID", description = "The tenant's chat id (see 'tenants list').")
        long chatId;

        @Parameters(index = "1", paramLabel = "PATH", arity = "0..1", description = "An existing folder.")
        Path path;

        @Option(names = "--default", description = "Use the default folder again.")
        boolean reset;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if ((path == null) == !reset) {
                throw new ParameterException(spec.commandLine(), "Give either a folder or --default");
            }
            Path folder = path == null ? null : path.toAbsolutePath().normalize();
            if (folder != null && !Files.isDirectory(folder)) {
                err.println("Directory not found: " + folder);
                return Cli.FAILED;
            }
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            try {
                boolean found = CommandSupport.withDatabase(config.get(), pool -> {
                    if (new TenantRepository(pool).findById(chatId).await().isEmpty()) {
                        return false;
                    }
                    return new dev.storyline.run.ServiceRunRepository(pool, java.time.Clock.systemUTC()).recorded(chatId, "tenants.set_media_dir",
                            dev.storyline.run.Trigger.CLI, null, new io.vertx.core.json.JsonObject().put("dir", folder == null ? null : folder.toString()),
                            () -> new TenantRepository(pool).setMediaDir(chatId, folder == null ? null : folder.toString(), "cli"),
                            ok -> new io.vertx.core.json.JsonObject()).await();
                });
                if (!found) {
                    err.println(CommandSupport.unknownTenant(chatId));
                    return Cli.FAILED;
                }
            } catch (RuntimeException e) {
                err.println("Could not change the media folder: " + CommandSupport.oneLine(e));
                return Cli.FAILED;
            }
            Path shown = folder != null ? folder : config.get().paths().mediaDir().resolve(String.valueOf(chatId));
            out.println("Tenant " + chatId + " now takes its images from " + shown + ".");
            out.println("Run 'storyline media index --tenant " + chatId + "' to index it now; the server also does so every "
                    + config.get().scheduling().mediaIndexInterval().toMinutes() + " minutes.");
            return Cli.OK;
        }
    }
}
