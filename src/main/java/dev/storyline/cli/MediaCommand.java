package dev.storyline.cli;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.media.FolderScanner;
import dev.storyline.media.IndexSummary;
import dev.storyline.media.MediaException;
import dev.storyline.media.MediaIndexer;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.media.MediaRoots;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.sqlclient.Pool;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "media", mixinStandardHelpOptions = true,
        description = "The tenants' image libraries.",
        subcommands = {MediaCommand.IndexCommand.class, MediaCommand.ListCommand.class})
final class MediaCommand extends CommandGroup {

    @Command(name = "index", mixinStandardHelpOptions = true,
            description = {"Index media folders: new images are added, changed ones updated, vanished ones deactivated.",
                    "Without --tenant, every approved tenant that has a folder."})
    static final class IndexCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only this tenant (its chat id, see 'tenants list').")
        Long tenantId;

        @Option(names = "--dir", paramLabel = "PATH", description = "Index this folder instead of the tenant's own (needs --tenant).")
        Path dir;

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (dir != null && tenantId == null) {
                throw new ParameterException(spec.commandLine(), "--dir needs --tenant: which tenant's library should the images join?");
            }
            if (dir != null && !Files.isDirectory(dir)) {
                err.println("Directory not found: " + dir.toAbsolutePath().normalize());
                return Cli.FAILED;
            }
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            MediaRoots roots = MediaRoots.of(config.get());
            try {
                return CommandSupport.withVertx(config.get(), (vertx, pool) -> {
                    List<Tenant> tenants = tenants(pool, roots, err);
                    if (tenants == null) {
                        return Cli.FAILED;
                    }
                    MediaIndexer indexer = new MediaIndexer(vertx, pool, roots, Clock.systemUTC(), MediaIndexer.defaultThreads());
                    List<IndexSummary> summaries = new ArrayList<>();
                    int failures = 0;
                    for (Tenant tenant : tenants) {
                        try (Bar bar = new Bar(tenant, err, !noProgress)) {
                            summaries.add(indexer.index(tenant, dir, Trigger.CLI, null, bar).await());
                        } catch (MediaException e) {
                            err.println(e.getMessage());
                            failures++;
                        }
                    }
                    print(summaries, out);
                    return failures == 0 ? Cli.OK : Cli.FAILED;
                });
            } catch (RuntimeException e) {
                err.println("Could not index: " + CommandSupport.oneLine(e));
                return Cli.FAILED;
            }
        }

        /** The tenants to index, or null after saying why there are none. */
        private List<Tenant> tenants(Pool pool, MediaRoots roots, PrintWriter err) {
            if (tenantId != null) {
                return CommandSupport.tenant(pool, tenantId, err).map(List::of).orElse(null);
            }
            List<Tenant> withFolder = new TenantRepository(pool).findAll().await().stream()
                    .filter(t -> Tenant.APPROVED.equals(t.state()) && Files.isDirectory(roots.root(t))).toList();
            if (withFolder.isEmpty()) {
                err.println("No approved tenant has a media folder yet. Create " + roots.mediaDir().resolve("<chat id>")
                        + " for a tenant, or point it at a folder with 'storyline tenants set-media-dir'.");
                return null;
            }
            return withFolder;
        }

        private static void print(List<IndexSummary> summaries, PrintWriter out) {
            if (summaries.isEmpty()) {
                return;
            }
            Table table = new Table("TENANT", "FOLDER", "ADDED", "UPDATED", "UNCHANGED", "DUPLICATES", "DEACTIVATED",
                    "SKIPPED", "ERRORS", "LIBRARY", "TIME");
            for (IndexSummary s : summaries) {
                table.row(s.tenantId(), s.root(), s.added(), s.updated(), s.unchanged(), s.duplicates(), s.deactivated(),
                        s.skipped(), s.errors(), s.libraryActive() + " active", s.durationMillis() + " ms");
            }
            table.print(out);
            for (IndexSummary s : summaries) {
                if (!s.problems().isEmpty()) {
                    out.println();
                    out.println("Problems in " + s.root() + ":");
                    s.problems().forEach(p -> out.println("  - " + p));
                }
            }
            out.flush();
        }
    }

    /** A progress bar on standard error, fed by the scan's worker threads. */
    private static final class Bar implements FolderScanner.Progress, AutoCloseable {
        private final Tenant tenant;
        private final PrintWriter err;
        private final boolean enabled;
        private ProgressBar bar;

        Bar(Tenant tenant, PrintWriter err, boolean enabled) {
            this.tenant = tenant;
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public synchronized void total(int files) {
            if (!enabled) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName("Indexing " + tenant.title())
                    .setInitialMax(files)
                    .setUnit(" files", 1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new DelegatingProgressBarConsumer(line -> {
                        err.print("\r" + line);
                        err.flush();
                    }, 100))
                    .build();
        }

        @Override
        public void step(String file) {
            ProgressBar current = bar;
            if (current != null) {
                current.step();
            }
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close();
                err.println();
                err.flush();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the images of a tenant's library.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", paramLabel = "CHAT_ID", description = "Only this tenant (default: every tenant).")
        Long tenantId;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N images per tenant (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--all", description = "Include deactivated images (files that disappeared).")
        boolean all;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CommandSupport.checkLimit(spec, limit, 10_000);
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            try {
                return CommandSupport.withDatabase(config.get(), pool -> {
                    List<Tenant> chosen;
                    if (tenantId != null) {
                        Optional<Tenant> tenant = CommandSupport.tenant(pool, tenantId, err);
                        if (tenant.isEmpty()) {
                            return Cli.FAILED;
                        }
                        chosen = List.of(tenant.get());
                    } else {
                        chosen = new TenantRepository(pool).findAll().await();
                    }
                    MediaRepository media = new MediaRepository(pool);
                    boolean any = false;
                    for (Tenant tenant : chosen) {
                        List<MediaItem> items = media.list(tenant.id(), limit, all).await();
                        if (items.isEmpty() && tenantId == null) {
                            continue;
                        }
                        any = true;
                        print(tenant, items, media.counts(tenant.id()).await(), out);
                    }
                    if (!any) {
                        out.println("No media files found. Put images in a tenant's media folder and run 'storyline media index',"
                                + " or send photos to the bot in the team's chat.");
                    }
                    return Cli.OK;
                });
            } catch (RuntimeException e) {
                err.println("Could not list media: " + CommandSupport.oneLine(e));
                return Cli.FAILED;
            }
        }

        private void print(Tenant tenant, List<MediaItem> items, MediaRepository.Counts counts, PrintWriter out) {
            out.println(tenant.title() + " (" + tenant.id() + ")");
            if (items.isEmpty()) {
                out.println("  No media files found. Run 'storyline media index --tenant " + tenant.id() + "' first.");
                return;
            }
            Table table = new Table("ID", "FILE", "TITLE", "CATEGORY", "TYPE", "POSTED", "TAGS", "NOTES");
            Instant now = Instant.now();
            for (MediaItem item : items) {
                List<String> notes = new ArrayList<>();
                if (!item.active()) {
                    notes.add("inactive");
                }
                if (item.duplicateOf() != null) {
                    notes.add("duplicate of " + item.duplicateOf());
                }
                if (!item.warnings().isEmpty()) {
                    notes.add(item.warnings().size() + " warning" + (item.warnings().size() == 1 ? "" : "s"));
                }
                table.row(item.id(), Path.of(item.path()).getFileName(), item.metadata().title(), item.category(),
                        item.metadata().requiresInteraction() ? "manual" : "auto",
                        item.timesPosted() == 0 ? "never" : item.timesPosted() + "x" + (item.lastPostedAt() == null ? ""
                                : " (" + Duration.between(item.lastPostedAt(), now).toDays() + "d ago)"),
                        tags(item.metadata().tags()), notes.isEmpty() ? null : String.join(", ", notes));
            }
            table.print(out);
            long auto = items.stream().filter(i -> !i.metadata().requiresInteraction()).count();
            long posted = items.stream().filter(i -> i.timesPosted() > 0).count();
            out.println("Shown: " + items.size() + " of " + counts.active() + " active · auto " + auto + " · manual "
                    + (items.size() - auto) + " · posted " + posted + (counts.withWarnings() > 0
                    ? " · " + counts.withWarnings() + " with warnings" : ""));
            out.println();
        }

        private static String tags(List<String> tags) {
            if (tags.isEmpty()) {
                return null;
            }
            String shown = String.join(", ", tags.subList(0, Math.min(3, tags.size())));
            return tags.size() > 3 ? shown + " +" + (tags.size() - 3) : shown;
        }
    }
}
