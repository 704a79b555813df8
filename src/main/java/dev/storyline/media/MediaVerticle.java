package dev.storyline.media;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.LockRemoval;
import dev.storyline.bus.MediaUploadResult;
import dev.storyline.bus.TenantPage;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.MediaIndexRequest;
import dev.storyline.bus.MediaUpload;
import dev.storyline.bus.Paging;
import dev.storyline.run.ServiceRunRepository;
import dev.storyline.run.Trigger;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The owner of the tenants' libraries: indexes a tenant's folder on request ({@code media.index}),
 * at start-up and every {@code MEDIA_INDEX_MINUTES}, and adds images sent in the chats
 * ({@code media.upload}). Files are read and hashed on worker threads, never on the event loop.
 */
public final class MediaVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MediaVerticle.class);

    /** The service_runs name of lifting a lock (the CLI and the admin API). */
    public static final String LOCK_REMOVE_SERVICE = "locks.remove";

    private final Pool pool;
    private final MediaRoots roots;
    private final Duration interval;
    private final Clock clock;
    private MediaIndexer indexer;
    private MediaUploads uploads;
    private TenantRepository tenants;
    private long timer = -1;
    private boolean sweeping;

    public MediaVerticle(Pool pool, MediaRoots roots, Duration interval, Clock clock) {
        this.pool = pool;
        this.roots = roots;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        tenants = new TenantRepository(pool);
        indexer = new MediaIndexer(vertx, pool, roots, clock, MediaIndexer.defaultThreads());
        uploads = new MediaUploads(vertx, new MediaRepository(pool), new ServiceRunRepository(pool, clock), roots, new EventBusClient(vertx), clock,
                new dev.storyline.tenant.CategoryMixRepository(pool));
        List<MessageConsumer<JsonObject>> consumers = List.of(
                Consumers.register(vertx.eventBus(), Addresses.MEDIA_INDEX, MediaIndexRequest::fromJson, this::index),
                Consumers.register(vertx.eventBus(), Addresses.MEDIA_UPLOAD, MediaUpload::fromJson, this::upload),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_LOCKS, TenantPage::fromJson, this::locks),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_LOCK_REMOVE, LockRemoval::fromJson, this::removeLock));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> {
            if (!interval.isZero()) {
                timer = vertx.setPeriodic(interval.toMillis(), id -> sweep(Trigger.SCHEDULE));
            }
            return dev.storyline.bus.AppReady.then(vertx, () -> sweep(Trigger.STARTUP));
        });
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return Future.succeededFuture();
    }

    private Future<JsonObject> index(MediaIndexRequest request) {
        return tenants.required(request.tenantId()).compose(tenant -> indexer.index(tenant, request.dir() == null ? null : Path.of(request.dir()),
                request.trigger(), request.userId(), FolderScanner.Progress.NONE)).map(IndexSummary::toJson);
    }

    private Future<JsonObject> upload(MediaUpload upload) {
        return tenants.required(upload.tenantId()).compose(tenant -> Tenant.APPROVED.equals(tenant.state())
                ? uploads.add(tenant, upload).map(MediaUploadResult::toJson)
                : Future.failedFuture(new MediaException(ErrorCode.INVALID_INPUT, "Only approved tenants take uploads")));
    }

    private Future<JsonObject> locks(TenantPage page) {
        return tenants.required(page.tenantId()).compose(tenant -> new LockRepository(pool).list(page.tenantId(), clock.instant(), page.limit()))
                .map(locks -> new LockRepository.Locks(locks).toJson());
    }

    /** The admin API lifts an image's locks: a rejected image may come back (recorded in service_runs). */
    private Future<JsonObject> removeLock(LockRemoval request) {
        long tenantId = request.tenantId();
        long itemId = request.mediaItemId();
        return tenants.required(tenantId).compose(tenant -> new ServiceRunRepository(pool, clock).recorded(tenantId, LOCK_REMOVE_SERVICE,
                Trigger.ADMIN_API, null, new JsonObject().put("mediaItemId", itemId), () -> new LockRepository(pool).remove(tenantId, itemId, clock.instant())
                        .compose(reasons -> reasons.isEmpty() ? Future.failedFuture(new MediaException(ErrorCode.NOT_FOUND,
                                "Image " + itemId + " of tenant " + tenantId + " is not locked"))
                                : Future.succeededFuture(new LockRemoval.Removed(itemId, reasons).toJson())),
                result -> result));
    }

    /** Every approved tenant with a folder, one after the other; a sweep still running makes the next one wait for the one after. */
    private void sweep(Trigger trigger) {
        if (sweeping) {
            return;
        }
        sweeping = true;
        tenants.findAll()
                .compose(all -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (Tenant tenant : all) {
                        if (Tenant.APPROVED.equals(tenant.state())) {
                            chain = chain.compose(v -> sweepOne(tenant, trigger));
                        }
                    }
                    return chain;
                })
                .onFailure(e -> LOG.warn("Indexing the libraries failed: {}", e.getMessage()))
                .onComplete(v -> sweeping = false);
    }

    private Future<Void> sweepOne(Tenant tenant, Trigger trigger) {
        Path root = roots.root(tenant);
        return vertx.executeBlocking(() -> Files.isDirectory(root), false)
                .compose(exists -> exists ? indexer.index(tenant, null, trigger, null, FolderScanner.Progress.NONE).<Void>mapEmpty()
                        : Future.<Void>succeededFuture())
                .recover(e -> {
                    if (!(e instanceof MediaException)) {
                        LOG.warn("Tenant {}: indexing {} failed: {}", LogFields.tenant(tenant.id()), root, e.getMessage());
                    }
                    return Future.succeededFuture();
                });
    }
}
