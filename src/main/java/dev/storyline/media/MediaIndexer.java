package dev.storyline.media;

import dev.storyline.app.LogFields;
import dev.storyline.bus.ErrorCode;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One index run of a tenant's library: scan the folder on a worker, then apply what changed in one
 * transaction and record the run in {@code service_runs}. Two runs for one tenant never overlap, in
 * this process or another (the CLI beside the server): the run holds a PostgreSQL advisory lock on
 * its connection, which the database lets go of if the process dies.
 */
public final class MediaIndexer {
    public static final String SERVICE = "media.index";
    private static final Logger LOG = LoggerFactory.getLogger(MediaIndexer.class);

    private final Vertx vertx;
    private final Pool pool;
    private final MediaRoots roots;
    private final ServiceRunRepository runs;
    private final int threads;

    public MediaIndexer(Vertx vertx, Pool pool, MediaRoots roots, Clock clock, int threads) {
        this.vertx = vertx;
        this.pool = pool;
        this.roots = roots;
        this.runs = new ServiceRunRepository(pool, clock);
        this.threads = threads;
    }

    /** Hashing threads: one per core, at most 4 (the disk is the limit beyond that). */
    public static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Indexes {@code dir}, or the tenant's whole library when it is null (its folder and its uploads).
     * Fails with a {@link MediaException}: {@link ErrorCode#INVALID_INPUT} for a missing folder,
     * {@link ErrorCode#CONFLICT} when a run for this tenant is under way.
     */
    public Future<IndexSummary> index(Tenant tenant, Path dir, Trigger trigger, Long userId, FolderScanner.Progress progress) {
        Path root = dir != null ? dir.toAbsolutePath().normalize() : roots.root(tenant);
        boolean whole = dir == null;
        return vertx.executeBlocking(() -> Files.isDirectory(root), false).compose(exists -> {
            if (!exists) {
                return Future.failedFuture(new MediaException(ErrorCode.INVALID_INPUT, whole
                        ? "No media folder for tenant " + tenant.id() + ": " + root + " does not exist. Create it, or point the tenant elsewhere with 'storyline tenants set-media-dir'."
                        : "Directory not found: " + root));
            }
            return pool.getConnection().compose(conn -> locked(conn, tenant, root, whole, trigger, userId, progress)
                    .eventually(() -> conn.close()));
        });
    }

    private Future<IndexSummary> locked(SqlConnection conn, Tenant tenant, Path root, boolean whole, Trigger trigger, Long userId,
                                        FolderScanner.Progress progress) {
        return MediaRepository.tryLockIndex(conn, tenant.id()).compose(locked -> {
            if (!locked) {
                return Future.failedFuture(new MediaException(ErrorCode.CONFLICT,
                        "An index of tenant " + tenant.id() + "'s library is already running; try again when it has finished."));
            }
            JsonObject inputs = new JsonObject().put("directory", root.toString()).put("recursive", true);
            return runs.start(tenant.id(), SERVICE, trigger, userId, inputs)
                    .compose(run -> scanAndApply(conn, tenant, root, whole, progress)
                            .compose(summary -> runs.completed(run, summary.toJson()).map(summary),
                                    e -> runs.failed(run, String.valueOf(e.getMessage())).transform(x -> Future.failedFuture(e))))
                    .eventually(() -> MediaRepository.unlockIndex(conn, tenant.id()));
        });
    }

    private Future<IndexSummary> scanAndApply(SqlConnection conn, Tenant tenant, Path root, boolean whole, FolderScanner.Progress progress) {
        long started = System.nanoTime();
        Path uploads = roots.uploads(tenant.id());
        return MediaRepository.known(conn, tenant.id()).compose(known -> vertx.executeBlocking(() -> {
            FolderScanner.Scan scan = new FolderScanner(root, uploads, known, roots.maxPixels()).scan(threads, progress);
            List<FolderScanner.Known> gone = new ArrayList<>(scan.gone());
            List<FolderScanner.Known> back = List.of();
            if (whole) {
                gone.addAll(FolderScanner.uploadsGone(known.values()));
                back = FolderScanner.uploadsBack(known.values());
            }
            return new Changes(known, scan, gone, back);
        }, false)).compose(changes -> apply(conn, tenant.id(), changes)).compose(counters ->
                new MediaRepository(pool).counts(tenant.id()).map(counts -> {
                    IndexSummary summary = new IndexSummary(tenant.id(), root.toString(), counters.added, counters.updated,
                            counters.unchanged, counters.duplicates, counters.deactivated, counters.skipped, counters.errors,
                            counters.problems, counts.active(), (System.nanoTime() - started) / 1_000_000);
                    LOG.info("Tenant {}: indexed {}: {} added, {} updated, {} unchanged, {} duplicates, {} deactivated, {} skipped, {} errors in {} ms",
                            LogFields.tenant(tenant.id()), root, summary.added(), summary.updated(), summary.unchanged(), summary.duplicates(),
                            summary.deactivated(), summary.skipped(), summary.errors(), summary.durationMillis());
                    summary.problems().forEach(p -> LOG.warn("Tenant {}: {}", LogFields.tenant(tenant.id()), p));
                    return summary;
                }));
    }

    private record Changes(Map<String, FolderScanner.Known> known, FolderScanner.Scan scan, List<FolderScanner.Known> gone,
                           List<FolderScanner.Known> back) {
    }

    private static final class Counters {
        int added;
        int updated;
        int unchanged;
        int duplicates;
        int deactivated;
        int skipped;
        int errors;
        List<String> problems = List.of();
    }

    private Future<Counters> apply(SqlConnection conn, long tenantId, Changes changes) {
        FolderScanner.Scan scan = changes.scan();
        Counters c = new Counters();
        Set<String> hashes = new HashSet<>();
        changes.known().values().forEach(k -> hashes.add(k.hash()));
        List<MediaRepository.NewFile> files = new ArrayList<>(scan.fresh().size());
        for (FolderScanner.Fresh f : scan.fresh()) {
            if (f.known() != null) {
                c.updated++;
            } else if (hashes.contains(f.image().hash())) {
                c.duplicates++;
                LOG.debug("Tenant {}: duplicate content detected: {}", LogFields.tenant(tenantId), f.path());
            } else {
                c.added++;
            }
            hashes.add(f.image().hash());
            String source = f.known() != null ? f.known().source() : MediaItem.SOURCE_FOLDER;
            files.add(new MediaRepository.NewFile(f.path().toString(), source, f.image(), f.category(), f.metadata(), null, null));
        }
        c.updated += scan.touched().size() + changes.back().size();
        c.unchanged = scan.unchanged();
        c.skipped = scan.skipped();
        c.errors = scan.errors();
        c.problems = scan.problems();
        if (files.isEmpty() && scan.touched().isEmpty() && changes.gone().isEmpty() && changes.back().isEmpty()) {
            return Future.succeededFuture(c); // nothing changed: nothing written
        }
        return conn.begin().compose(tx -> MediaRepository.upsert(conn, tenantId, files)
                .compose(ids -> MediaRepository.describe(conn, tenantId, scan.touched()))
                .compose(v -> MediaRepository.setActive(conn, tenantId, changes.gone().stream().map(FolderScanner.Known::id).toList(), false))
                .compose(deactivated -> {
                    c.deactivated = deactivated;
                    return MediaRepository.setActive(conn, tenantId, changes.back().stream().map(FolderScanner.Known::id).toList(), true);
                })
                .compose(v -> MediaRepository.markDuplicates(conn, tenantId))
                .compose(v -> tx.commit())
                .recover(e -> tx.rollback().otherwiseEmpty().transform(x -> Future.failedFuture(e)))
                .map(c));
    }
}
