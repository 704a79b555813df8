package dev.storyline.cli;

import dev.storyline.app.Version;
import dev.storyline.backup.Backup;
import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.notice.Notices;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.telegram.TelegramClient;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantAdmin;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.user.UserRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The operator's commands of issue 7: tenants approve/pause/resume, users, runs, telegram test,
 * backup and restore. Each state change goes through the database (the server picks it up on its
 * next discovery) and is recorded in {@code service_runs}.
 */
final class OperationsCommands {
    private OperationsCommands() {
    }

    /** The configuration for a database command, or empty after printing the problems. */
    private static Optional<AppConfig> config(CommandSpec spec) {
        return CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, spec.commandLine().getErr());
    }

    // --- tenants approve | pause | resume ---

    /** approve, pause or resume one tenant, as the admin chat's button or /pause would. */
    abstract static class TenantChange implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CHAT_ID", description = "The tenant's chat id (see 'tenants list').")
        long chatId;

        abstract String verb();

        /** The change, through {@link TenantAdmin} as the admin chat and the admin API make it (the chat is told the same). */
        abstract io.vertx.core.Future<String> apply(TenantAdmin admin, Tenant tenant);

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return CommandSupport.onDatabase(spec, verb() + " tenant " + chatId, pool -> {
                Optional<Tenant> tenant = CommandSupport.tenant(pool, chatId, err);
                if (tenant.isEmpty()) {
                    return Cli.FAILED;
                }
                // no event bus here: the server's next look at the tenants picks the change up, its notice sender the message
                TenantAdmin admin = new TenantAdmin(new TenantRepository(pool), new Notices(pool, null), changed -> { }, Clock.systemUTC());
                try {
                    String done = new ServiceRunRepository(pool, Clock.systemUTC()).recorded(chatId, "tenants." + verb(), Trigger.CLI, null,
                            new JsonObject(), () -> apply(admin, tenant.get()), text -> new JsonObject().put("result", text)).await();
                    out.println(done);
                    out.println("The server picks this up within a minute (its next look at the tenants) and tells the chat.");
                    return Cli.OK;
                } catch (IllegalStateException e) {
                    err.println(e.getMessage());
                    return Cli.FAILED;
                }
            });
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a tenant that is waiting (or was declined).")
    static final class Approve extends TenantChange {
        @Override
        String verb() {
            return "approve";
        }


        @Override
        io.vertx.core.Future<String> apply(TenantAdmin admin, Tenant tenant) {
            if (Tenant.APPROVED.equals(tenant.state())) {
                return io.vertx.core.Future.failedFuture(new IllegalStateException("Tenant " + tenant.id() + " is approved already."));
            }
            return admin.decide(tenant.id(), true, null).map(decided -> "Approved " + tenant.title() + " (" + tenant.id() + ").");
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause posting for a tenant (its open stories keep working).")
    static final class Pause extends TenantChange {
        @Override
        String verb() {
            return "pause";
        }


        @Override
        io.vertx.core.Future<String> apply(TenantAdmin admin, Tenant tenant) {
            return admin.setPaused(tenant, true, new TenantRepository.Actor(null, "cli", null, null, null), "paused from the command line")
                    .map(change -> "Paused " + tenant.title() + " (" + tenant.id() + ").");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume posting for a tenant.")
    static final class Resume extends TenantChange {
        @Override
        String verb() {
            return "resume";
        }


        @Override
        io.vertx.core.Future<String> apply(TenantAdmin admin, Tenant tenant) {
            return admin.setPaused(tenant, false, new TenantRepository.Actor(null, "cli", null, null, null), null)
                    .map(change -> "Resumed " + tenant.title() + " (" + tenant.id() + ").");
        }
    }

    // --- users ---

    @Command(name = "users", mixinStandardHelpOptions = true,
            description = "The people Storyline knows: list, promote, deactivate, reactivate.",
            subcommands = {UsersList.class, Promote.class, Deactivate.class, Reactivate.class})
    static final class Users extends CommandGroup {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "People seen by the bot, most recent first.")
    static final class UsersList implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only members of this tenant.")
        Long tenant;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CommandSupport.checkLimit(spec, limit, 10_000);
            return CommandSupport.onDatabase(spec, "list users", pool -> {
                List<UserRepository.User> users = new UserRepository(pool).list(tenant, limit).await();
                if (users.isEmpty()) {
                    out.println("Nobody yet: people appear once they write to the bot or press a button.");
                    return Cli.OK;
                }
                Table table = new Table("USER ID", "NAME", "ROLE", "ACTIVE", "POSTS", "LAST SEEN", "TENANTS");
                users.forEach(u -> table.row(u.id(), u.display(), u.role(), u.active() ? "yes" : "no", u.totalPosts(), u.lastSeenAt(),
                        u.tenants() == null ? "-" : u.tenants()));
                table.print(out);
                return Cli.OK;
            });
        }
    }

    /** Finds a person by id or @username and changes them, recorded in service_runs. */
    abstract static class UserChange implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "USER", description = "A Telegram user id or @username the bot has seen.")
        String who;

        abstract String service();

        abstract io.vertx.core.Future<Void> apply(UserRepository users, UserRepository.User user);

        abstract String done(UserRepository.User user);

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return CommandSupport.onDatabase(spec, "change " + who, pool -> {
                UserRepository users = new UserRepository(pool);
                Optional<UserRepository.User> user = users.find(who).await();
                if (user.isEmpty()) {
                    err.println("Unknown user " + who + ": the person must talk to the bot first (send it any message, or /start), "
                            + "then run this again. 'storyline users list' shows who the bot knows.");
                    return Cli.FAILED;
                }
                new ServiceRunRepository(pool, Clock.systemUTC()).recorded(null, service(), Trigger.CLI, null,
                        new JsonObject().put("user", user.get().id()), () -> apply(users, user.get()), v -> new JsonObject()).await();
                out.println(done(user.get()));
                return Cli.OK;
            });
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a person a Storyline admin: they may change settings and approve in every chat.")
    static final class Promote extends UserChange {
        @Override
        String service() {
            return "users.promote";
        }

        @Override
        io.vertx.core.Future<Void> apply(UserRepository users, UserRepository.User user) {
            return users.set(user.id(), "admin", true);
        }

        @Override
        String done(UserRepository.User user) {
            return user.display() + " (" + user.id() + ") is a Storyline admin now.";
        }
    }

    @Command(name = "deactivate", mixinStandardHelpOptions = true, description = "Stop a person from using Storyline's buttons and commands.")
    static final class Deactivate extends UserChange {
        @Override
        String service() {
            return "users.deactivate";
        }

        @Override
        io.vertx.core.Future<Void> apply(UserRepository users, UserRepository.User user) {
            return users.set(user.id(), "member", false);
        }

        @Override
        String done(UserRepository.User user) {
            return user.display() + " (" + user.id() + ") is deactivated (within a minute in the running server).";
        }
    }

    @Command(name = "reactivate", mixinStandardHelpOptions = true, description = "Let a deactivated person use Storyline again.")
    static final class Reactivate extends UserChange {
        @Override
        String service() {
            return UserRepository.REACTIVATE_SERVICE;
        }

        @Override
        io.vertx.core.Future<Void> apply(UserRepository users, UserRepository.User user) {
            return users.set(user.id(), user.role(), true);
        }

        @Override
        String done(UserRepository.User user) {
            return user.display() + " (" + user.id() + ") may use Storyline again (within a minute in the running server).";
        }
    }

    // --- runs ---

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "Background jobs and state-changing commands.",
            subcommands = RunsList.class)
    static final class Runs extends CommandGroup {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The latest runs: what, how it was started, outcome, duration.")
    static final class RunsList implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--service", paramLabel = "NAME", description = "Only this service (media.index, instagram.connect, backup...).")
        String service;

        @Option(names = "--status", paramLabel = "STATUS", description = "running, completed or failed.")
        String status;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (status != null && !List.of("running", "completed", "failed").contains(status)) {
                throw new ParameterException(spec.commandLine(), "--status must be running, completed or failed, not '" + status + "'");
            }
            CommandSupport.checkLimit(spec, limit, 10_000);
            return CommandSupport.onDatabase(spec, "list runs", pool -> {
                List<ServiceRunRepository.Line> runs = new ServiceRunRepository(pool, Clock.systemUTC()).list(service, status, limit).await();
                if (runs.isEmpty()) {
                    out.println("No runs" + (service == null && status == null ? " yet." : " match."));
                    return Cli.OK;
                }
                Table table = new Table("ID", "STARTED", "SERVICE", "TENANT", "TRIGGER", "STATUS", "TIME", "SUMMARY / ERROR");
                runs.forEach(r -> table.row(r.id(), r.startedAt(), r.service(), r.tenantId() == null ? "-" : r.tenantId(), r.trigger(),
                        r.status(), r.durationMs() == null ? "-" : r.durationMs() + " ms",
                        r.error() != null ? r.error() : r.summary() == null || r.summary().equals("{}") ? "" : r.summary()));
                table.print(out);
                return Cli.OK;
            });
        }
    }

    // --- telegram test ---

    @Command(name = "telegram", mixinStandardHelpOptions = true, description = "Check the bot: telegram test.", subcommands = TelegramTest.class)
    static final class Telegram extends CommandGroup {
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = "getMe, then a test message to the admin chat.")
    static final class TelegramTest implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.SERVE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            Vertx vertx = Vertx.vertx();
            try {
                TelegramClient client = new TelegramClient(vertx, config.get().telegram().apiBaseUrl(), config.get().telegram().botToken().reveal());
                JsonObject me = client.getMe().await();
                out.println("Bot: @" + me.getString("username") + " (" + me.getLong("id") + "), can read group messages: "
                        + me.getBoolean("can_read_all_group_messages", false));
                Optional<Long> admin = config.get().telegram().adminChatId();
                if (admin.isEmpty()) {
                    err.println("ADMIN_TELEGRAM_CHAT_ID is not set: no test message sent.");
                    return Cli.FAILED;
                }
                client.call("sendMessage", new JsonObject().put("chat_id", admin.get())
                        .put("text", "🧪 Test message from storyline telegram test (" + Version.current() + ").")).await();
                out.println("Sent a test message to the admin chat " + admin.get() + ".");
                return Cli.OK;
            } catch (RuntimeException e) {
                err.println("Telegram test failed: " + e.getMessage());
                return Cli.FAILED;
            } finally {
                vertx.close().await();
            }
        }
    }

    // --- backup and restore ---

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write a verified, compressed backup (database + media folders) to BACKUP_DIR; keeps 30 days.")
    static final class BackupCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<AppConfig> config = config(spec);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            AppConfig c = config.get();
            try {
                return CommandSupport.withConnection(c, (vertx, pool, settings) -> {
                    List<Path> folders = new ArrayList<>(List.of(c.paths().mediaDir()));
                    if (!c.paths().dataDir().resolve("media").equals(c.paths().mediaDir())) {
                        folders.add(c.paths().dataDir().resolve("media"));
                    }
                    folders.addAll(customFolders(c, pool));
                    long started = System.nanoTime();
                    Backup.Summary summary = Backup.write(settings, folders, c.paths().backupDir(), Clock.systemUTC(), step -> { });
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    record(pool, "backup", new JsonObject().put("file", summary.file().toString()).put("bytes", summary.bytes())
                            .put("rows", summary.rows().values().stream().mapToLong(Long::longValue).sum()).put("mediaFiles", summary.mediaFiles()));
                    Table table = new Table("TABLE", "ROWS");
                    summary.rows().forEach(table::row);
                    table.print(out);
                    out.printf("Wrote %s (%,d bytes, %d media files) in %d ms; verified.%n", summary.file(), summary.bytes(), summary.mediaFiles(), millis);
                    summary.deleted().forEach(f -> out.println("Deleted old backup " + f.getFileName()));
                    out.println("Restore with: storyline restore " + summary.file());
                    return Cli.OK;
                });
            } catch (Exception e) {
                err.println("Backup failed: " + (e instanceof RuntimeException r ? CommandSupport.oneLine(r) : e.getMessage()));
                return Cli.FAILED;
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Load a backup into a fresh database (no tenants yet) and put the media folders back.")
    static final class RestoreCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "A storyline-backup-….zip written by 'storyline backup'.")
        Path file;

        @Option(names = "--media-to", paramLabel = "DIR", description = "Put the media folders under DIR instead of where they were.")
        Path mediaTo;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isRegularFile(file)) {
                err.println("No such backup file: " + file);
                return Cli.FAILED;
            }
            Optional<AppConfig> config = config(spec);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            AppConfig c = config.get();
            try {
                return CommandSupport.withConnection(c, (vertx, pool, settings) -> {
                    Map<String, Long> rows = Backup.restore(file, settings, mediaTo,
                            List.of(c.paths().mediaDir(), c.paths().dataDir().resolve("media")), step -> { });
                    record(pool, "restore", new JsonObject().put("file", file.toString())
                            .put("rows", rows.values().stream().mapToLong(Long::longValue).sum()));
                    Table table = new Table("TABLE", "ROWS");
                    rows.forEach(table::row);
                    table.print(out);
                    out.println("Restored " + file.getFileName() + ". Start Storyline (systemctl start storyline) and check /health.");
                    return Cli.OK;
                });
            } catch (Exception e) {
                err.println("Restore failed: " + (e instanceof RuntimeException r ? CommandSupport.oneLine(r) : e.getMessage()));
                return Cli.FAILED;
            }
        }
    }

    /** Tenants' own folders set with set-media-dir, outside MEDIA_DIR. */
    private static List<Path> customFolders(AppConfig c, Pool pool) {
        return new TenantRepository(pool).findAll().await().stream()
                .map(Tenant::mediaDir).filter(d -> d != null && !d.isBlank()).map(Path::of)
                .filter(p -> !p.startsWith(c.paths().mediaDir())).distinct().toList();
    }

    private static void record(Pool pool, String service, JsonObject summary) {
        new ServiceRunRepository(pool, Clock.systemUTC()).recorded(null, service, Trigger.CLI, null, new JsonObject(),
                () -> io.vertx.core.Future.succeededFuture(summary), s -> s).await();
    }
}
