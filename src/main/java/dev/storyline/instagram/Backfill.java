package dev.storyline.instagram;

import dev.storyline.app.LogFields;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.InstagramBackfill;
import dev.storyline.config.Secret;
import dev.storyline.media.FolderScanner;
import dev.storyline.media.ImageInspector;
import dev.storyline.media.InvalidImageException;
import dev.storyline.media.MediaException;
import dev.storyline.media.MediaItem;
import dev.storyline.media.MediaRepository;
import dev.storyline.media.MediaRoots;
import dev.storyline.media.Metadata;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports what a tenant's Instagram account already posted (D31): its live stories and its media
 * (newest first, paged with Graph's {@code after} cursors, back to {@code since}, at most {@code limit}),
 * each file downloaded into the library's folder {@code instagram/} and recorded as posted at its
 * Instagram time with its media id, so the repost locks and "never twice" hold for it. An item known
 * by its media id is not fetched again; one whose content the library holds is recorded as a post of
 * that image. The run holds the library's lock (no index or second import meanwhile), leaves a
 * {@code service_runs} row and reports progress as it goes.
 */
public final class Backfill {
    public static final String SERVICE = "instagram.backfill";
    /** The folder below the tenant's library root that imports go to (their category). */
    public static final String FOLDER = "instagram";
    /** Graph's largest page of media. */
    static final int PAGE = 100;
    /** Instagram's own ceiling for a story video; a bigger answer is not a post's file. */
    static final long MAX_DOWNLOAD_BYTES = ImageInspector.MAX_BYTES;
    private static final long DOWNLOAD_TIMEOUT_MILLIS = 120_000;
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    /** Where a backfill stands, for a progress bar or the chat's message. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** The listing is read: {@code toFetch} new items will be downloaded. */
        default void listed(int listed, int toFetch) {
        }

        /** One more item is done (imported, a duplicate, skipped or failed); {@code soFar} the counts now. */
        default void step(InstagramBackfill.Summary soFar) {
        }
    }

    private final Vertx vertx;
    private final Pool pool;
    private final GraphClient graph;
    private final InstagramAccountRepository accounts;
    private final MediaRoots roots;
    private final int repostDays;
    private final Clock clock;
    private final MediaRepository media;
    private final BackfillRepository history;
    private final ServiceRunRepository runs;
    private final HttpClient http;

    public Backfill(Vertx vertx, Pool pool, GraphClient graph, InstagramAccountRepository accounts, MediaRoots roots, int repostDays,
                    Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.graph = graph;
        this.accounts = accounts;
        this.roots = roots;
        this.repostDays = repostDays;
        this.clock = clock;
        this.media = new MediaRepository(pool);
        this.history = new BackfillRepository(pool);
        this.runs = new ServiceRunRepository(pool, clock);
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(60).setKeepAlive(true)
                .setTrustAll(false));
    }

    /**
     * Runs one backfill. Fails with {@link ErrorCode#INSTAGRAM_NOT_CONNECTED} when the tenant has no
     * account, {@link ErrorCode#CONFLICT} while an index or another import of its library runs, and
     * with Graph's classified error when the listing cannot be read (nothing is imported then).
     */
    public Future<InstagramBackfill.Summary> run(Tenant tenant, InstagramBackfill request, Progress progress) {
        return accounts.find(tenant.id()).compose(account -> {
            if (account.isEmpty()) {
                return Future.failedFuture(ErrorCode.INSTAGRAM_NOT_CONNECTED.failure("Tenant " + tenant.id()
                        + " has no Instagram account connected: connect one first (/settings in the chat, or 'storyline instagram connect')."));
            }
            return pool.getConnection().compose(conn -> locked(conn, tenant, account.get().accountId(), request, progress)
                    .eventually(() -> conn.close()));
        }).recover(e -> Future.failedFuture(InstagramConnector.coded(e)));
    }

    private Future<InstagramBackfill.Summary> locked(SqlConnection conn, Tenant tenant, String accountId, InstagramBackfill request,
                                                     Progress progress) {
        return MediaRepository.tryLockIndex(conn, tenant.id()).compose(locked -> {
            if (!locked) {
                return Future.failedFuture(new MediaException(ErrorCode.CONFLICT, "An index or an import of tenant " + tenant.id()
                        + "'s library is running; try again when it has finished."));
            }
            JsonObject inputs = new JsonObject().put("accountId", accountId).put("since", request.since() == null ? null : request.since().toString())
                    .put("limit", request.limit());
            return runs.recorded(tenant.id(), SERVICE, request.trigger(), request.userId(), inputs,
                            () -> importAll(tenant, accountId, request, progress), InstagramBackfill.Summary::toJson)
                    .eventually(() -> MediaRepository.unlockIndex(conn, tenant.id()));
        });
    }

    /** The counters of one run. */
    private static final class Counts {
        final long tenantId;
        final long started = System.nanoTime();
        int listed;
        int imported;
        int known;
        int duplicates;
        int skipped;
        int failed;
        final List<String> problems = new ArrayList<>();

        Counts(long tenantId) {
            this.tenantId = tenantId;
        }

        void problem(String line) {
            if (problems.size() < 50) {
                problems.add(line);
            }
        }

        InstagramBackfill.Summary summary() {
            return new InstagramBackfill.Summary(tenantId, listed, imported, known, duplicates, skipped, failed, problems,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    private Future<InstagramBackfill.Summary> importAll(Tenant tenant, String accountId, InstagramBackfill request, Progress progress) {
        Counts counts = new Counts(tenant.id());
        Path folder = roots.root(tenant).resolve(FOLDER);
        return accounts.token(tenant.id()).compose(token -> list(accountId, token, request).compose(listed -> {
            counts.listed = listed.size();
            List<String> ids = new ArrayList<>(listed.keySet());
            return history.known(tenant.id(), ids).compose(known -> {
                counts.known = known.size();
                List<Listed> fresh = listed.values().stream().filter(l -> !known.contains(l.media().id())).toList();
                progress.listed(counts.listed, fresh.size());
                return vertx.executeBlocking(() -> Files.createDirectories(folder), false)
                        .compose(v -> each(tenant, folder, fresh, 0, counts, progress));
            });
        })).map(v -> {
            InstagramBackfill.Summary summary = counts.summary();
            LOG.info("Tenant {}: Instagram backfill: {} listed, {} imported, {} known, {} duplicates, {} skipped, {} failed in {} ms",
                    LogFields.tenant(tenant.id()), summary.listed(), summary.imported(), summary.known(), summary.duplicates(),
                    summary.skipped(), summary.failed(), summary.durationMillis());
            return summary;
        });
    }

    /** A listed item, and whether it is a story still live (its insights series can run). */
    private record Listed(GraphClient.Media media, boolean liveStory) {
    }

    /** The live stories, then the media pages until {@code limit} items or one older than {@code since}; by media id, newest first. */
    private Future<Map<String, Listed>> list(String accountId, Secret token, InstagramBackfill request) {
        Map<String, Listed> listed = new LinkedHashMap<>();
        Instant now = clock.instant();
        return graph.storyMedia(accountId, token).compose(stories -> {
            for (GraphClient.Media story : stories) {
                if (listed.size() < request.limit() && (request.since() == null || !story.timestamp().isBefore(request.since()))) {
                    listed.putIfAbsent(story.id(), new Listed(story, story.timestamp().isAfter(now.minus(InsightsRepository.LIVE))));
                }
            }
            return page(accountId, token, null, request, listed);
        }).map(listed);
    }

    private Future<Void> page(String accountId, Secret token, String after, InstagramBackfill request, Map<String, Listed> listed) {
        if (listed.size() >= request.limit()) {
            return Future.succeededFuture();
        }
        return graph.mediaPage(accountId, after, Math.min(PAGE, request.limit() - listed.size()), token).compose(page -> {
            for (GraphClient.Media item : page.media()) {
                if (request.since() != null && item.timestamp().isBefore(request.since())) {
                    return Future.succeededFuture(); // newest first: everything after this is older still
                }
                if (listed.size() >= request.limit()) {
                    return Future.succeededFuture();
                }
                listed.putIfAbsent(item.id(), new Listed(item, false));
            }
            return page.after() == null || page.media().isEmpty() ? Future.succeededFuture()
                    : page(accountId, token, page.after(), request, listed);
        });
    }

    /** One item after another: a library's content checks (by hash) see every earlier import. */
    private Future<Void> each(Tenant tenant, Path folder, List<Listed> fresh, int index, Counts counts, Progress progress) {
        if (index >= fresh.size()) {
            return Future.succeededFuture();
        }
        Listed item = fresh.get(index);
        return one(tenant, folder, item, counts).recover(e -> {
            counts.failed++;
            counts.problem(item.media().id() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            LOG.debug("Tenant {}: Instagram media {} not imported", LogFields.tenant(tenant.id()), item.media().id(), e);
            return Future.succeededFuture();
        }).compose(v -> {
            progress.step(counts.summary());
            return each(tenant, folder, fresh, index + 1, counts, progress);
        });
    }

    private Future<Void> one(Tenant tenant, Path folder, Listed item, Counts counts) {
        GraphClient.Media post = item.media();
        if (post.mediaUrl() == null || post.mediaUrl().isBlank()) {
            counts.skipped++;
            counts.problem(post.id() + " (" + post.permalink() + "): Instagram offers no file for it");
            return Future.succeededFuture();
        }
        Path part = folder.resolve("." + safe(post.id()) + ".part");
        return download(post.mediaUrl(), part)
                .compose(bytes -> examine(part))
                .compose(image -> media.byHash(tenant.id(), image.hash()).compose(same -> {
                    if (same.isPresent()) {
                        return record(tenant, same.get().id(), item, counts, false);
                    }
                    Path target = folder.resolve(safe(post.id()) + "." + image.format().extension());
                    return vertx.executeBlocking(() -> Files.move(part, target, StandardCopyOption.REPLACE_EXISTING,
                                    StandardCopyOption.ATOMIC_MOVE), false)
                            .compose(moved -> media.upsert(tenant.id(), List.of(new MediaRepository.NewFile(target.toString(),
                                    MediaItem.SOURCE_INSTAGRAM, image, FOLDER, Metadata.NONE, null, null))))
                            .compose(ids -> record(tenant, ids.get(0), item, counts, true));
                }), e -> skippedOrFailed(post, e, counts))
                .eventually(() -> vertx.fileSystem().delete(part.toString()).otherwiseEmpty());
    }

    private Future<Void> record(Tenant tenant, long itemId, Listed item, Counts counts, boolean imported) {
        return history.record(tenant.id(), itemId, item.media(), item.liveStory(), clock.instant(), repostDays).map(recorded -> {
            if (imported) {
                counts.imported++;
            } else if (recorded) {
                counts.duplicates++;
            } else {
                counts.known++;
            }
            return null;
        });
    }

    private static Future<Void> skippedOrFailed(GraphClient.Media post, Throwable e, Counts counts) {
        if (e instanceof Refused refused) {
            counts.skipped++;
            counts.problem(post.id() + " (" + post.permalink() + "): " + refused.getMessage());
            return Future.succeededFuture();
        }
        return Future.failedFuture(e);
    }

    /** A file that is not a post's image or video Storyline can use: skipped, not retried. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The file checked as any library file on a worker; a file that is none is {@link Refused}. */
    private Future<ImageInspector.Examined> examine(Path file) {
        return vertx.executeBlocking(() -> {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            try {
                return ImageInspector.examine(file, attrs.size(), FolderScanner.modifiedAt(attrs), roots.maxPixels());
            } catch (InvalidImageException e) {
                throw new Refused(e.getMessage());
            }
        }, false);
    }

    /**
     * Streams {@code url} into {@code target} (never whole in memory): a 200 answer of at most
     * {@link #MAX_DOWNLOAD_BYTES}; the bytes written.
     */
    private Future<Long> download(String url, Path target) {
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            return Future.failedFuture(new Refused("its file address is not an http(s) URL"));
        }
        RequestOptions options;
        try {
            // Instagram's CDN may redirect to another edge: followed (Vert.x stops after 16)
            options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setIdleTimeout(DOWNLOAD_TIMEOUT_MILLIS)
                    .setConnectTimeout(10_000).setFollowRedirects(true);
        } catch (RuntimeException e) {
            return Future.failedFuture(new Refused("its file address is not a URL"));
        }
        return http.request(options).compose(req -> req.send()).compose(response -> {
            if (response.statusCode() != 200) {
                response.request().reset();
                return Future.failedFuture(new IllegalStateException("the file could not be fetched (HTTP " + response.statusCode() + ")"));
            }
            String length = response.getHeader("Content-Length");
            if (length != null && length.matches("\\d{1,19}") && Long.parseLong(length) > MAX_DOWNLOAD_BYTES) {
                response.request().reset();
                return Future.failedFuture(new Refused("its file is larger than " + MAX_DOWNLOAD_BYTES / 1024 / 1024 + " MB"));
            }
            response.pause(); // nothing is read before the file is open and the handlers are set
            return vertx.fileSystem().open(target.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
                    .compose(file -> write(response, file), e -> {
                        response.request().reset();
                        return Future.failedFuture(e);
                    });
        });
    }

    private static Future<Long> write(HttpClientResponse response, AsyncFile file) {
        Promise<Long> done = Promise.promise();
        long[] written = {0};
        response.handler(chunk -> {
            written[0] += chunk.length();
            if (written[0] > MAX_DOWNLOAD_BYTES) {
                response.handler(null);
                response.request().reset();
                file.close();
                done.tryFail(new Refused("its file is larger than " + MAX_DOWNLOAD_BYTES / 1024 / 1024 + " MB"));
                return;
            }
            file.write(chunk);
            if (file.writeQueueFull()) {
                response.pause();
                file.drainHandler(v -> response.resume());
            }
        });
        response.exceptionHandler(e -> {
            file.close();
            done.tryFail(new IllegalStateException("the download broke off (" + e.getClass().getSimpleName() + ")"));
        });
        response.endHandler(v -> file.close().onComplete(closed -> {
            if (closed.succeeded()) {
                done.tryComplete(written[0]);
            } else {
                done.tryFail(closed.cause());
            }
        }));
        response.resume();
        return done.future();
    }

    /** A media id as a file name: Graph's ids are digits; anything else is replaced. */
    private static String safe(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.length() > 100 ? safe.substring(0, 100) : safe;
    }

    /** Lets go of the download client. */
    public Future<Void> close() {
        return http.close();
    }
}
