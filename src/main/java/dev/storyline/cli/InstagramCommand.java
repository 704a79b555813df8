package dev.storyline.cli;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.config.Secret;
import dev.storyline.instagram.GraphClient;
import dev.storyline.instagram.InstagramAccount;
import dev.storyline.instagram.InstagramAccountRepository;
import dev.storyline.instagram.InstagramConnector;
import dev.storyline.instagram.TokenCipher;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code storyline instagram connect|status|disconnect|refresh-token}: the tenants' Instagram accounts,
 * through the database and the Graph API directly, so it works with or without {@code serve} running
 * (the server reads the account on its next publish).
 */
@Command(name = "instagram", mixinStandardHelpOptions = true,
        description = "Connected Instagram accounts: connect, status, disconnect, refresh-token, insights, backfill.",
        subcommands = {InstagramCommand.Connect.class, InstagramCommand.Status.class, InstagramCommand.Disconnect.class,
                InstagramCommand.Refresh.class, InstagramCommand.Insights.class, InstagramCommand.BackfillCommand.class})
final class InstagramCommand extends CommandGroup {

    /** What each subcommand does with a connector, a repository and the clock. */
    private interface Job {
        Integer run(InstagramConnector connector, InstagramAccountRepository accounts, Pool pool, PrintWriter out, PrintWriter err);
    }

    private static Integer withInstagram(CommandSpec spec, Job job) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
        if (config.isEmpty()) {
            return Cli.FAILED;
        }
        try {
            return CommandSupport.withVertx(config.get(), (Vertx vertx, Pool pool) -> {
                AppConfig.InstagramConfig ig = config.get().instagram();
                InstagramAccountRepository accounts = new InstagramAccountRepository(pool, TokenCipher.of(ig.encryptionKey()));
                InstagramConnector connector = new InstagramConnector(new GraphClient(vertx, ig.graphBaseUrl(), ig.graphApiVersion()),
                        accounts, new TenantRepository(pool), ig, Clock.systemUTC());
                return job.run(connector, accounts, pool, out, err);
            });
        } catch (RuntimeException e) {
            err.println(InstagramConnector.coded(e) instanceof io.vertx.core.eventbus.ReplyException r ? r.getMessage() : CommandSupport.oneLine(e));
            return Cli.FAILED;
        }
    }

    /** A coded failure as one line for a person; no stack trace. */
    private static Integer failed(PrintWriter err, String what, Throwable e) {
        Throwable coded = InstagramConnector.coded(e);
        err.println(what + ": " + (coded.getMessage() == null ? coded.getClass().getSimpleName() : coded.getMessage()));
        return Cli.FAILED;
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Verify a token with Instagram and store it (encrypted) for a tenant.")
    static final class Connect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id (see 'tenants list').")
        long tenant;

        @Option(names = "--account-id", required = true, paramLabel = "ID", description = "The Instagram (business) account id.")
        String accountId;

        @Option(names = "--token", required = true, paramLabel = "TOKEN",
                description = "A long-lived access token, or '-' to read it from standard input (keeps it out of the shell history).")
        String token;

        @Override
        public Integer call() {
            String value;
            try {
                value = "-".equals(token) ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine() : token;
            } catch (IOException e) {
                value = null;
            }
            Secret secret = Secret.of(value == null ? "" : value.trim());
            return withInstagram(spec, (connector, accounts, pool, out, err) -> {
                if (CommandSupport.tenant(pool, tenant, err).isEmpty()) {
                    return Cli.FAILED;
                }
                ServiceRunRepository runs = new ServiceRunRepository(pool, Clock.systemUTC());
                try {
                    ServiceRunRepository.Run run = runs.start(tenant, InstagramConnector.CONNECT_SERVICE, Trigger.CLI, null,
                            new JsonObject().put("accountId", accountId)).await();
                    try {
                        InstagramAccount account = connector.connect(tenant, accountId, secret, null).await();
                        runs.completed(run, new JsonObject().put("username", account.username())).await();
                        out.println("Connected @" + account.username() + " (" + account.accountId() + ") to tenant " + tenant + ": "
                                + account.tokenLine(Instant.now()) + ".");
                        out.println("Turn Instagram on in the chat's /settings; stories without stickers or links then publish on their own.");
                        return Cli.OK;
                    } catch (RuntimeException e) {
                        runs.failed(run, InstagramConnector.coded(e).getMessage()).await();
                        return failed(err, "Not connected", e);
                    }
                } catch (RuntimeException e) {
                    return failed(err, "Not connected", e);
                }
            });
        }
    }

    @Command(name = "insights", mixinStandardHelpOptions = true,
            description = "A tenant's Instagram stories of the last 30 days with their latest figures (D31), newest first.")
    static final class Insights implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant.")
        long tenant;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return withInstagram(spec, (connector, accounts, pool, out, err) -> {
                io.vertx.core.json.JsonArray stories = new dev.storyline.instagram.InsightsRepository(pool)
                        .stories(tenant, Instant.now().minus(java.time.Duration.ofDays(30)), 100).await();
                if (json) {
                    out.println(new JsonObject().put("tenantId", tenant).put("stories", stories).encodePrettily());
                    return Cli.OK;
                }
                if (stories.isEmpty()) {
                    out.println("Tenant " + tenant + " has no Instagram stories in the last 30 days.");
                    return Cli.OK;
                }
                Table table = new Table("POSTED", "STORY", "CATEGORY", "REACH", "REPLIES", "SHARES", "TAPS FWD", "TAPS BACK", "EXITS",
                        "READINGS", "SERIES");
                for (Object each : stories) {
                    JsonObject story = (JsonObject) each;
                    JsonObject latest = story.getJsonObject("latest", new JsonObject());
                    table.row(story.getString("postedAt"), story.getString("title") == null ? story.getString("mediaId") : story.getString("title"),
                            or(story.getString("category")), or(latest.getValue("reach")), or(latest.getValue("replies")),
                            or(latest.getValue("shares")), or(latest.getValue("tapsForward")), or(latest.getValue("tapsBack")),
                            or(latest.getValue("exits")), story.getLong("readings"),
                            story.getString("seriesEnd") == null ? "live" : story.getString("seriesEnd"));
                }
                table.print(out);
                return Cli.OK;
            });
        }

        private static String or(Object value) {
            return value == null ? "-" : String.valueOf(value);
        }
    }

    @Command(name = "backfill", mixinStandardHelpOptions = true,
            description = {"Import what a tenant's Instagram account already posted (its live stories and its media, newest first)",
                    "into the library's folder instagram/, each recorded as posted at its Instagram time (D31).",
                    "Posts imported before, or whose content the library holds, are not imported again."})
    static final class BackfillCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant.")
        long tenant;

        @Option(names = "--since", paramLabel = "DATE", description = "Only what was posted on or after this day (2026-11-01) or time "
                + "(2026-11-01T08:00:00Z); default 30 days ago.")
        String since;

        @Option(names = "--all", description = "As far back as Instagram lists (instead of --since).")
        boolean all;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "200", description = "At most N posts and stories (default ${DEFAULT-VALUE}, at most 5000).")
        int limit;

        @Option(names = "--json", description = "Print the counts as JSON.")
        boolean json;

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        @Override
        public Integer call() {
            if (limit < 1 || limit > dev.storyline.bus.InstagramBackfill.MAX_LIMIT) {
                throw new ParameterException(spec.commandLine(), "--limit must be between 1 and " + dev.storyline.bus.InstagramBackfill.MAX_LIMIT);
            }
            if (all && since != null) {
                throw new ParameterException(spec.commandLine(), "--all and --since contradict each other: choose one");
            }
            Instant from;
            try {
                from = all ? null : since == null ? Instant.now().minus(java.time.Duration.ofDays(30)) : since.length() == 10
                        ? java.time.LocalDate.parse(since).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                        : java.time.OffsetDateTime.parse(since).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), "--since must be a day such as 2026-11-01 or a time such as 2026-11-01T08:00:00Z");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            try {
                return CommandSupport.withVertx(config.get(), (Vertx vertx, Pool pool) -> {
                    Optional<dev.storyline.tenant.Tenant> found = CommandSupport.tenant(pool, tenant, err);
                    if (found.isEmpty()) {
                        return Cli.FAILED;
                    }
                    AppConfig.InstagramConfig ig = config.get().instagram();
                    dev.storyline.instagram.Backfill backfill = new dev.storyline.instagram.Backfill(vertx, pool,
                            new GraphClient(vertx, ig.graphBaseUrl(), ig.graphApiVersion()),
                            new InstagramAccountRepository(pool, TokenCipher.of(ig.encryptionKey())),
                            dev.storyline.media.MediaRoots.of(config.get()), config.get().scheduling().repostTtlDays(), Clock.systemUTC());
                    try (BackfillBar bar = new BackfillBar(tenant, err, !noProgress && !json)) {
                        dev.storyline.bus.InstagramBackfill.Summary summary = backfill.run(found.get(), new dev.storyline.bus.InstagramBackfill(
                                tenant, from, limit, Trigger.CLI, null, null, null), bar).await();
                        bar.close();
                        if (json) {
                            out.println(summary.toJson().encodePrettily());
                        } else {
                            out.println("Imported " + summary.imported() + " of " + summary.listed() + " listed posts and stories into tenant "
                                    + tenant + "'s folder instagram/ (" + summary.known() + " imported before, " + summary.duplicates()
                                    + " already in the library, " + summary.skipped() + " skipped, " + summary.failed() + " failed) in "
                                    + summary.durationMillis() + " ms.");
                            summary.problems().forEach(p -> out.println("  - " + p));
                        }
                        return summary.failed() == 0 ? Cli.OK : Cli.FAILED;
                    } catch (RuntimeException e) {
                        return failed(err, "Not imported", e);
                    } finally {
                        backfill.close().await();
                    }
                });
            } catch (RuntimeException e) {
                return failed(err, "Not imported", e);
            }
        }
    }

    /** The backfill's progress bar on standard error: drawn once the listing says how many files there are to fetch. */
    private static final class BackfillBar implements dev.storyline.instagram.Backfill.Progress, AutoCloseable {
        private final long tenant;
        private final PrintWriter err;
        private final boolean enabled;
        private me.tongfei.progressbar.ProgressBar bar;

        BackfillBar(long tenant, PrintWriter err, boolean enabled) {
            this.tenant = tenant;
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public synchronized void listed(int listed, int toFetch) {
            if (enabled && toFetch > 0) {
                bar = new me.tongfei.progressbar.ProgressBarBuilder().setTaskName("Importing into " + tenant).setInitialMax(toFetch)
                        .setUnit(" posts", 1).setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                        .setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> {
                            err.print("\r" + line);
                            err.flush();
                        }, 100)).build();
            }
        }

        @Override
        public synchronized void step(dev.storyline.bus.InstagramBackfill.Summary soFar) {
            if (bar != null) {
                bar.stepTo(soFar.imported() + soFar.duplicates() + soFar.skipped() + soFar.failed());
            }
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
                err.println();
                err.flush();
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Connected accounts and their tokens.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only this tenant.")
        Long tenant;

        @Override
        public Integer call() {
            return withInstagram(spec, (connector, accounts, pool, out, err) -> {
                Instant now = Instant.now();
                List<InstagramAccount> all = accounts.all().await().stream().filter(a -> tenant == null || a.tenantId() == tenant).toList();
                if (all.isEmpty()) {
                    out.println(tenant == null ? "No Instagram accounts are connected. Connect one with: storyline instagram connect "
                            + "--tenant CHAT_ID --account-id ID --token -" : "Tenant " + tenant + " has no Instagram account connected.");
                    return Cli.OK;
                }
                Table table = new Table("CHAT ID", "ACCOUNT", "USERNAME", "TOKEN", "EXPIRES", "REFRESHED");
                int unreadable = 0;
                for (InstagramAccount a : all) {
                    String token = a.tokenLine(now);
                    try {
                        accounts.token(a.tenantId()).await();
                    } catch (TokenCipher.KeyMismatch e) {
                        token = "unreadable: " + e.getMessage();
                        unreadable++;
                    }
                    table.row(a.tenantId(), a.accountId(), "@" + a.username(), token,
                            a.expiresAt() == null ? "never" : a.expiresAt().toString(),
                            a.refreshedAt() == null ? "-" : a.refreshedAt().toString());
                }
                table.print(out);
                if (unreadable > 0) {
                    err.println(unreadable + " token(s) cannot be read with this ENCRYPTION_KEY: " + TokenCipher.HOW_TO_GENERATE + ".");
                    return Cli.FAILED;
                }
                return Cli.OK;
            });
        }
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true, description = "Forget a tenant's account and token.")
    static final class Disconnect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id.")
        long tenant;

        @Override
        public Integer call() {
            return withInstagram(spec, (connector, accounts, pool, out, err) -> {
                if (!accounts.disconnect(tenant).await()) {
                    err.println("Tenant " + tenant + " has no Instagram account connected.");
                    return Cli.FAILED;
                }
                out.println("Disconnected: tenant " + tenant + "'s stories go to its chat from now on.");
                return Cli.OK;
            });
        }
    }

    @Command(name = "refresh-token", mixinStandardHelpOptions = true,
            description = "Exchange a tenant's long-lived token for a fresh one now (needs FACEBOOK_APP_ID/SECRET).")
    static final class Refresh implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "CHAT_ID", description = "The tenant's chat id.")
        long tenant;

        @Override
        public Integer call() {
            return withInstagram(spec, (connector, accounts, pool, out, err) -> {
                try {
                    InstagramAccount account = connector.refresh(tenant).await();
                    out.println("Refreshed the token of @" + account.username() + ": " + account.tokenLine(Instant.now()) + ".");
                    return Cli.OK;
                } catch (RuntimeException e) {
                    return failed(err, "Not refreshed", e);
                }
            });
        }
    }
}
