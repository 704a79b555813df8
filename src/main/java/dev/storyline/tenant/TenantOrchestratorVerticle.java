package dev.storyline.tenant;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.TenantPosting;
import dev.storyline.bus.TenantRequest;
import dev.storyline.bus.TenantSettings;
import dev.storyline.bus.AlertRaised;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.Heartbeat;
import dev.storyline.bus.HeartbeatRelay;
import dev.storyline.bus.OrchestratorState;
import dev.storyline.bus.Paging;
import dev.storyline.bus.TenantChanged;
import dev.storyline.bus.TenantList;
import dev.storyline.config.AppConfig.OrchestratorConfig;
import dev.storyline.notice.Notices;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps exactly one {@link TenantSchedulerVerticle} deployed per active tenant (D21, D22).
 *
 * <p>It reconciles: the desired set (approved, unpaused tenants in the database) against what is
 * deployed. Discovery runs at start, every 60 s and on {@code tenant.changed}. A scheduler whose
 * tenant settings changed is redeployed with the new settings; one that stops beating for longer
 * than the heartbeat timeout is redeployed and the restart counted. Each tenant's deploys and
 * undeploys run one at a time; a change that arrives meanwhile is applied right after.
 */
public final class TenantOrchestratorVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TenantOrchestratorVerticle.class);
    private static final Duration UNDEPLOY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESTART_ALERT_WINDOW = Duration.ofHours(1);
    private static final int RESTART_ALERT_THRESHOLD = 3;
    /** Tenants a discovery goes through in one event-loop turn (a deploy is tens of microseconds). */
    private static final int TURN = 500;
    /** In a scheduler's deployment config (D32): the node that holds its tenant's lease, and the lease's epoch. */
    public static final String LEASE_OWNER = "leaseOwner";
    public static final String LEASE_EPOCH = "leaseEpoch";

    /** Creates the verticle for one tenant; production passes the real scheduler, tests one they can silence. */
    @FunctionalInterface
    public interface SchedulerFactory {
        Deployable create(Tenant tenant);
    }

    private final TenantRepository tenants;
    private final Notices notices;
    private final OrchestratorConfig config;
    private static final TenantRepository.Actor ADMIN_API = new TenantRepository.Actor(null, "admin_api", null, null, null);
    private final Clock clock;
    private final CategoryMixRepository mixes;
    private final SchedulerFactory factory;
    private final OrchestratorMetrics metrics;
    private final Map<Long, Slot> slots = new HashMap<>();
    private final dev.storyline.cluster.TenantLeases leases;
    private final Duration renewEvery;
    /** In a cluster, the tenants this node holds the lease of (tenant → epoch); null on a single node (all of them). */
    private Map<Long, Long> leased;
    /** Per tenant, the number of the latest tenant.changed event seen: a read started before it must not undo what it applies. */
    private final Map<Long, Long> changeSeqs = new HashMap<>();
    private long changeSeq;
    private Instant lastDiscoveryAt;
    private long lastDiscoveryMillis;
    private long restartsTotal;

    public TenantOrchestratorVerticle(TenantRepository tenants, CategoryMixRepository mixes, Notices notices, OrchestratorConfig config,
                                      Clock clock, SchedulerFactory factory, OrchestratorMetrics metrics) {
        this(tenants, mixes, notices, config, clock, factory, metrics, null, null);
    }

    /**
     * In a cluster (D32), {@code leases} decides which active tenants this node runs, renewed every
     * {@code renewEvery}; each scheduler is deployed with its lease's owner and epoch, which fence its claims.
     */
    public TenantOrchestratorVerticle(TenantRepository tenants, CategoryMixRepository mixes, Notices notices, OrchestratorConfig config,
                                      Clock clock, SchedulerFactory factory, OrchestratorMetrics metrics,
                                      dev.storyline.cluster.TenantLeases leases, Duration renewEvery) {
        this.leases = leases;
        this.renewEvery = renewEvery;
        this.mixes = mixes;
        this.tenants = tenants;
        this.notices = notices;
        this.config = config;
        this.clock = clock;
        this.factory = factory;
        this.metrics = metrics;
    }

    /** One tenant: what should run and what runs. Touched only on this verticle's event loop. */
    private static final class Slot {
        final long tenantId;
        Tenant wanted;              // null = should not run
        Tenant running;             // null = not deployed
        Long wantedEpoch;           // in a cluster, the lease's epoch the scheduler must run with
        Long runningEpoch;
        String deploymentId;
        Instant deployedAt;
        Instant lastBeatAt;
        Instant nextSlotAt;
        boolean restartRequested;
        boolean busy;               // a deploy/undeploy is under way
        boolean dirty;              // something changed while busy
        int restarts;
        final Deque<Instant> recentRestarts = new ArrayDeque<>();

        Slot(long tenantId) {
            this.tenantId = tenantId;
        }

        Instant lastSignOfLife() {
            return lastBeatAt == null || lastBeatAt.isBefore(deployedAt) ? deployedAt : lastBeatAt;
        }
    }

    @Override
    public Future<?> start() {
        List<MessageConsumer<?>> consumers = List.of(
                vertx.eventBus().consumer(Addresses.TENANT_CHANGED, this::onTenantChanged),
                // this node's schedulers beat to this node's orchestrator (D32: beats never cross the cluster)
                vertx.eventBus().<Object>localConsumer(Addresses.TENANT_HEARTBEATS, this::onHeartbeats),
                // this node's schedulers; in a cluster, with every node's tenants as the database sees them
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_ORCHESTRATOR, json -> json, request -> leases == null
                        ? Future.succeededFuture(view(request))
                        : leases.status().map(cluster -> view(request).put("node", leases.node()).put("cluster", cluster))),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_TENANTS, TenantList::fromJson, r -> overview(r).map(TenantOverview.Page::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_TENANT_POSTING, TenantPosting::fromJson, r -> setPaused(r).map(Tenant::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_TENANT, TenantRequest::fromJson, r -> tenant(r.tenantId()).map(TenantOverview::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_TENANT_APPROVE, TenantRequest::fromJson, r -> approve(r.tenantId()).map(Tenant::toJson)),
                Consumers.register(vertx.eventBus(), Addresses.ADMIN_TENANT_SETTINGS, TenantSettings::fromJson, r -> settings(r).map(Tenant::toJson)));
        vertx.setPeriodic(config.discoveryInterval().toMillis(), id -> discoverAll());
        vertx.setPeriodic(watchPeriod().toMillis(), id -> checkHeartbeats());
        if (leases != null) {
            leased = Map.of();
            vertx.eventBus().<String>localConsumer(Addresses.CLUSTER_NODE_LEFT, left -> {
                LOG.warn("Node {}: node {} left the cluster; taking its share of the tenants now", leases.node(), left.body());
                leases.departed(left.body()).compose(v -> refreshLeases()).onComplete(v -> discoverAll());
            });
            vertx.setPeriodic(renewEvery.toMillis(), id -> refreshLeases().onComplete(v -> discoverAll()));
            return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                    .compose(ready -> refreshLeases()).compose(v -> discoverAll());
        }
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .compose(ready -> discoverAll());
    }

    @Override
    public Future<?> stop() {
        // children would be undeployed by Vert.x anyway; doing it here keeps the order explicit and logged
        List<Future<Void>> undeploys = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (slot.deploymentId != null) {
                undeploys.add(vertx.undeploy(slot.deploymentId).otherwiseEmpty());
            }
        }
        LOG.info("Stopping {} tenant schedulers", undeploys.size());
        Future<Void> stopped = Future.join(undeploys).mapEmpty();
        if (leases == null || leased == null || leased.isEmpty()) {
            return stopped;
        }
        // a clean stop hands the tenants over at once instead of after their leases run out
        List<Long> held = List.copyOf(leased.keySet());
        return stopped.compose(v -> leases.releaseAll(held).<Void>mapEmpty().otherwiseEmpty());
    }

    /** D32: this node's round of leases; a failed round keeps the last (the claims' fencing guards a lease that ran out meanwhile). */
    private Future<Void> refreshLeases() {
        return leases.refresh().onSuccess(held -> {
            if (!held.keySet().equals(leased.keySet())) {
                LOG.info("Node {}: running {} tenants", leases.node(), held.size());
            }
            leased = held;
        }).onFailure(e -> LOG.warn("Node {}: leases not renewed ({}); retrying in {} s", leases.node(), e.getMessage(),
                renewEvery.toSeconds())).<Void>mapEmpty().otherwiseEmpty();
    }

    /** Whether this node runs the tenant: always on a single node; in a cluster, while it holds the lease. */
    private boolean mine(long tenantId) {
        return leased == null || leased.containsKey(tenantId);
    }

    // --- discovery ---

    private Future<Void> discoverAll() {
        long started = System.nanoTime();
        long readAfter = changeSeq;
        // issue 19: ids and settings versions of every active tenant; whole rows only for those new here or changed
        return tenants.activeVersions()
                .compose(versions -> {
                    List<Long> toRead = new ArrayList<>();
                    versions.forEach((id, version) -> {
                        Slot known = slots.get(id);
                        if (mine(id) && (known == null || known.wanted == null || known.wanted.settingsVersion() != version)) {
                            toRead.add(id);
                        }
                    });
                    return tenants.findActive(toRead).map(read -> {
                        Map<Long, Tenant> fresh = new HashMap<>(read.size() * 2);
                        read.forEach(t -> fresh.put(t.id(), t));
                        return Map.entry(versions.keySet(), fresh);
                    });
                })
                .compose(active -> {
                    Set<Long> activeIds = new HashSet<>();
                    List<Future<Void>> converging = new ArrayList<>();
                    return inTurns(List.copyOf(active.getKey()), id -> {
                        if (!mine(id)) {
                            return; // another node of the cluster runs it
                        }
                        activeIds.add(id);
                        if (changedSince(id, readAfter)) {
                            return; // a change (a pause, say) arrived while this read ran: its own, newer read decides
                        }
                        Tenant tenant = active.getValue().get(id);
                        Slot slot = slots.get(id);
                        if (tenant == null && (slot == null || slot.wanted == null)) {
                            return; // paused between the two reads: the next discovery sees it
                        }
                        if (slot == null) {
                            slot = new Slot(id);
                            slots.put(id, slot);
                        }
                        if (tenant != null) {
                            slot.wanted = tenant;
                        }
                        slot.wantedEpoch = leased == null ? null : leased.get(id);
                        Future<Void> step = converge(slot);
                        if (!step.isComplete()) {
                            converging.add(step);
                        }
                    }).compose(v -> {
                        for (Slot slot : List.copyOf(slots.values())) {
                            if (!activeIds.contains(slot.tenantId) && !changedSince(slot.tenantId, readAfter)) {
                                slot.wanted = null;
                                converging.add(converge(slot));
                            }
                        }
                        return Future.join(converging);
                    });
                })
                .<Void>mapEmpty()
                .onSuccess(done -> {
                    publishGauges();
                    lastDiscoveryAt = clock.instant();
                    lastDiscoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    LOG.debug("Discovery: {} schedulers deployed in {} ms", deployedCount(), lastDiscoveryMillis);
                })
                .onFailure(e -> LOG.error("Tenant discovery failed (retrying in {} s): {}",
                        config.discoveryInterval().toSeconds(), e.getMessage()));
    }

    /**
     * Runs {@code each} over {@code items}, {@link #TURN} at a time, other events in between (issue 19): deploying 100,000
     * schedulers in one go would hold this event loop for seconds, and heartbeats and admin requests would wait behind it.
     */
    private <T> Future<Void> inTurns(List<T> items, java.util.function.Consumer<T> each) {
        Promise<Void> done = Promise.promise();
        turn(items, 0, each, done);
        return done.future();
    }

    private <T> void turn(List<T> items, int from, java.util.function.Consumer<T> each, Promise<Void> done) {
        int to = Math.min(items.size(), from + TURN);
        for (int i = from; i < to; i++) {
            each.accept(items.get(i));
        }
        if (to == items.size()) {
            done.complete();
        } else {
            context.runOnContext(v -> turn(items, to, each, done));
        }
    }

    /** The admin API pauses or resumes a tenant: one recorded change, then its scheduler follows. */
    private Future<Tenant> setPaused(TenantPosting request) {
        long tenantId = request.tenantId();
        return tenants.required(tenantId).compose(found -> {
            if (!Tenant.APPROVED.equals(found.state())) {
                return Future.failedFuture(ErrorCode.INVALID_INPUT.failure("Tenant " + tenantId + " is " + found.state()
                        + ", not approved: only approved tenants post"));
            }
            return admin().setPaused(found, request.paused(), ADMIN_API, "paused through the admin API");
        }).map(TenantRepository.Change::tenant);
    }

    /** The admin API's changes to a tenant go through the same path as the admin chat's buttons and the CLI. */
    private TenantAdmin admin() {
        return new TenantAdmin(tenants, mixes, notices, new EventBusClient(vertx)::tenantChanged, clock);
    }

    /** One tenant with its scheduler, as in the list. */
    private Future<TenantOverview> tenant(long tenantId) {
        return tenants.required(tenantId).map(t -> {
            Slot slot = slots.get(tenantId);
            return new TenantOverview(t, slot == null || slot.deploymentId == null ? null : scheduler(slot, clock.instant()));
        });
    }

    /** Approves a pending tenant (as the admin chat's button does); the chat is told, its scheduler follows. */
    private Future<Tenant> approve(long tenantId) {
        return tenants.required(tenantId).compose(found -> {
            if (Tenant.APPROVED.equals(found.state())) {
                return Future.failedFuture(ErrorCode.CONFLICT.failure("Tenant " + tenantId + " is approved already"));
            }
            return admin().decide(tenantId, true, null).compose(decided -> decided.isPresent() ? Future.succeededFuture(decided.get())
                    : Future.failedFuture(ErrorCode.CONFLICT.failure("Tenant " + tenantId + " was " + found.state()
                            + ": only a pending (or declined) tenant can be approved")));
        });
    }

    /**
     * {@code PATCH} settings with the chat's own validation (posts per day 1–50, hours like 9-21, an
     * IANA zone, booleans): one recorded change by {@code admin_api}; nothing changes when any field is bad.
     */
    private Future<Tenant> settings(TenantSettings request) {
        java.util.function.UnaryOperator<Tenant> edit;
        Optional<CategoryMix> mix;
        try {
            edit = TenantSettingsPatch.parse(request.settings());
            mix = TenantSettingsPatch.mix(request.settings());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(ErrorCode.INVALID_INPUT.failure(e.getMessage()));
        }
        return tenants.required(request.tenantId()).compose(found -> admin().changeSettings(found, ADMIN_API, edit, mix))
                .map(TenantRepository.Change::tenant);
    }

    private void onTenantChanged(Message<JsonObject> message) {
        TenantChanged changed;
        try {
            changed = TenantChanged.fromJson(message.body());
        } catch (RuntimeException e) {
            LOG.warn("Ignoring a malformed tenant.changed event: {}", message.body());
            return;
        }
        long seq = ++changeSeq;
        changeSeqs.put(changed.tenantId(), seq);
        tenants.findById(changed.tenantId())
                .onSuccess(found -> {
                    if (changedSince(changed.tenantId(), seq)) {
                        return; // a later change is being read; that read is the fresher one
                    }
                    Optional<Tenant> active = found.filter(Tenant::active).filter(t -> mine(t.id()));
                    Slot slot = slots.get(changed.tenantId());
                    if (active.isEmpty() && slot == null) {
                        return;
                    }
                    if (slot == null) {
                        slot = new Slot(changed.tenantId());
                        slots.put(changed.tenantId(), slot);
                    }
                    slot.wanted = active.orElse(null);
                    slot.wantedEpoch = leased == null ? null : leased.get(changed.tenantId());
                    converge(slot);
                })
                .onFailure(e -> LOG.error("Tenant {}: could not re-read after a change ({}); the next discovery retries",
                        LogFields.tenant(changed.tenantId()), e.getMessage()));
    }

    private boolean changedSince(long tenantId, long seq) {
        return changeSeqs.getOrDefault(tenantId, 0L) > seq;
    }

    // --- reconciling one tenant ---

    /** Brings one tenant's deployment in line with what is wanted; completes when this step is done. */
    private Future<Void> converge(Slot slot) {
        if (slot.busy) {
            slot.dirty = true;
            return Future.succeededFuture();
        }
        Future<Void> step;
        if (slot.running != null && slot.wanted == null) {
            step = undeploy(slot, "tenant is no longer active");
        } else if (slot.running != null && slot.restartRequested) {
            step = undeploy(slot, "no heartbeat").compose(v -> deploy(slot));
        } else if (slot.running != null && slot.wanted.settingsVersion() != slot.running.settingsVersion()) {
            step = undeploy(slot, "settings changed").compose(v -> deploy(slot));
        } else if (slot.running != null && !Objects.equals(slot.wantedEpoch, slot.runningEpoch)) {
            step = undeploy(slot, "its lease was taken again").compose(v -> deploy(slot));
        } else if (slot.running == null && slot.wanted != null) {
            step = deploy(slot);
        } else {
            if (slot.running == null && slot.wanted == null) {
                slots.remove(slot.tenantId);
            }
            return Future.succeededFuture();
        }
        slot.busy = true;
        return step.andThen(result -> {
            slot.busy = false;
            if (result.failed()) {
                LOG.error("Tenant {}: scheduler deployment failed, retried at the next discovery: {}",
                        LogFields.tenant(slot.tenantId), result.cause().getMessage());
            }
            if (slot.dirty) {
                slot.dirty = false;
                converge(slot);
            }
        }).otherwiseEmpty();
    }

    private Future<Void> deploy(Slot slot) {
        Tenant tenant = slot.wanted;
        if (tenant == null) {
            return Future.succeededFuture();
        }
        Long epoch = slot.wantedEpoch;
        JsonObject config = tenant.toJson();
        if (leases != null && epoch != null) {
            config.put(LEASE_OWNER, leases.node()).put(LEASE_EPOCH, epoch);
        }
        return vertx.deployVerticle(factory.create(tenant), new DeploymentOptions().setConfig(config))
                .map(id -> {
                    slot.running = tenant;
                    slot.runningEpoch = epoch;
                    slot.deploymentId = id;
                    slot.deployedAt = clock.instant();
                    slot.lastBeatAt = null;
                    slot.restartRequested = false;
                    LOG.debug("Tenant {}: scheduler deployed ({})", LogFields.tenant(tenant.id()), id);
                    return null;
                });
    }

    private Future<Void> undeploy(Slot slot, String why) {
        String id = slot.deploymentId;
        LOG.info("Tenant {}: stopping its scheduler ({})", LogFields.tenant(slot.tenantId), why);
        return vertx.undeploy(id)
                .timeout(UNDEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .recover(e -> {
                    // a scheduler that cannot stop cleanly is abandoned: a new one takes its place
                    LOG.warn("Tenant {}: undeploying {} failed ({}); continuing", LogFields.tenant(slot.tenantId), id, e.getMessage());
                    return Future.succeededFuture();
                })
                .map(v -> {
                    slot.running = null;
                    slot.deploymentId = null;
                    return null;
                });
    }

    // --- heartbeats ---

    private void onHeartbeats(Message<Object> message) {
        if (!(message.body() instanceof HeartbeatRelay.Heartbeats batch)) {
            LOG.warn("Ignoring a malformed heartbeat batch: {}", message.body());
            return;
        }
        Instant now = clock.instant();
        for (Heartbeat beat : batch.beats()) {
            Slot slot = slots.get(beat.tenantId());
            // beats from a replaced deployment are ignored: they say nothing about the current one
            if (slot != null && beat.deploymentId() != null && beat.deploymentId().equals(slot.deploymentId)) {
                slot.lastBeatAt = now;
                slot.nextSlotAt = beat.nextSlotAt();
            }
        }
    }

    private void checkHeartbeats() {
        Instant now = clock.instant();
        for (Slot slot : List.copyOf(slots.values())) {
            if (slot.deploymentId == null || slot.busy || slot.restartRequested) {
                continue;
            }
            Duration silence = Duration.between(slot.lastSignOfLife(), now);
            if (silence.compareTo(config.heartbeatTimeout()) > 0) {
                restart(slot, silence, now);
            }
        }
        publishGauges();
    }

    /** Gauges are read on the scrape thread, so they get a snapshot instead of this actor's map. */
    private void publishGauges() {
        metrics.update(deployedCount(), oldestHeartbeatAgeSeconds());
    }

    private void restart(Slot slot, Duration silence, Instant now) {
        slot.restarts++;
        restartsTotal++;
        metrics.restarted();
        slot.recentRestarts.addLast(now);
        while (!slot.recentRestarts.isEmpty() && slot.recentRestarts.peekFirst().isBefore(now.minus(RESTART_ALERT_WINDOW))) {
            slot.recentRestarts.removeFirst();
        }
        if (slot.recentRestarts.size() >= RESTART_ALERT_THRESHOLD) {
            LOG.error("Tenant {}: scheduler restarted {} times in the last hour", LogFields.tenant(slot.tenantId), slot.recentRestarts.size());
            new EventBusClient(vertx).raiseAlert(new AlertRaised("scheduler-restarts:" + slot.tenantId, slot.tenantId, "warning",
                    "🔁 The scheduler of tenant " + slot.tenantId + " was restarted " + slot.recentRestarts.size()
                            + " times in the last hour (it stopped sending heartbeats). Check the logs."));
        }
        LOG.warn("Tenant {}: scheduler silent for {} s (timeout {} s); redeploying (restart #{})",
                LogFields.tenant(slot.tenantId), silence.toSeconds(), config.heartbeatTimeout().toSeconds(), slot.restarts);
        slot.restartRequested = true;
        converge(slot);
    }

    private Duration watchPeriod() {
        long quarterTimeout = config.heartbeatTimeout().toMillis() / 4;
        return Duration.ofMillis(Math.max(100, Math.min(config.heartbeatInterval().toMillis(), quarterTimeout)));
    }

    // --- what others ask ---

    /**
     * What {@code admin.orchestrator} answers: the counts with the unhealthy schedulers listed (the summary {@code /health}
     * asks for), or the admin view, the counts with the schedulers a page at a time in tenant id order ({@link TenantList}: at
     * 100,000 the whole list was one answer of tens of megabytes) and {@code next}, the {@code after} of the following page.
     */
    private JsonObject view(JsonObject request) {
        OrchestratorState summary = unhealthy();
        if (OrchestratorState.summary(request)) {
            return summary.toJson();
        }
        TenantList page = TenantList.fromJson(request);
        Instant now = clock.instant();
        List<Slot> first = Paging.firstAfter(() -> slots.values().stream().filter(slot -> slot.deploymentId != null).iterator(),
                slot -> slot.tenantId, page.after(), page.limit() + 1); // one more: is there a next page?
        List<Slot> shown = first.subList(0, Math.min(page.limit(), first.size()));
        return summary.toJson()
                .put("schedulers", new JsonArray(shown.stream().map(slot -> scheduler(slot, now).toJson()).toList()))
                .put("count", shown.size())
                .put("next", first.size() > page.limit() ? shown.get(shown.size() - 1).tenantId : null);
    }

    /** The counts with only the unhealthy schedulers listed: cheap however many run. */
    private OrchestratorState unhealthy() {
        Instant now = clock.instant();
        List<OrchestratorState.Scheduler> schedulers = new ArrayList<>();
        int deployed = 0;
        for (Slot slot : slots.values()) {
            if (slot.deploymentId != null) {
                deployed++;
                if (!healthy(slot, now)) {
                    schedulers.add(scheduler(slot, now));
                }
            }
        }
        schedulers.sort((a, b) -> Long.compare(a.tenantId(), b.tenantId()));
        return new OrchestratorState(lastDiscoveryAt, lastDiscoveryMillis, config.heartbeatTimeout(), restartsTotal, deployed, schedulers);
    }

    private boolean healthy(Slot slot, Instant now) {
        return Duration.between(slot.lastSignOfLife(), now).compareTo(config.heartbeatTimeout()) <= 0 && !slot.restartRequested;
    }

    private OrchestratorState.Scheduler scheduler(Slot slot, Instant now) {
        return new OrchestratorState.Scheduler(slot.tenantId, slot.deploymentId, slot.deployedAt, slot.lastBeatAt, slot.nextSlotAt,
                slot.restarts, healthy(slot, now));
    }

    /** A page of tenants, each with its scheduler when one runs here; one more row than asked says whether a next page exists. */
    private Future<TenantOverview.Page> overview(TenantList request) {
        Future<List<Tenant>> page = tenants.page(request.after(), request.limit() + 1);
        Future<Long> total = tenants.count();
        return Future.all(page, total)
                .map(both -> {
                    List<Tenant> rows = page.result();
                    boolean more = rows.size() > request.limit();
                    List<Tenant> shown = more ? rows.subList(0, request.limit()) : rows;
                    Instant now = clock.instant();
                    List<TenantOverview> overviews = new ArrayList<>(shown.size());
                    for (Tenant t : shown) {
                        Slot slot = slots.get(t.id());
                        overviews.add(new TenantOverview(t, slot == null || slot.deploymentId == null ? null : scheduler(slot, now)));
                    }
                    return new TenantOverview.Page(overviews, total.result(), more ? shown.get(shown.size() - 1).id() : null);
                })
                .recover(e -> Future.failedFuture(ErrorCode.UNAVAILABLE.failure("tenants could not be read: " + e.getMessage())));
    }

    private int deployedCount() {
        int count = 0;
        for (Slot slot : slots.values()) {
            if (slot.deploymentId != null) {
                count++;
            }
        }
        return count;
    }

    private double oldestHeartbeatAgeSeconds() {
        Instant now = clock.instant();
        long oldest = 0;
        for (Slot slot : slots.values()) {
            if (slot.deploymentId != null) {
                oldest = Math.max(oldest, Duration.between(slot.lastSignOfLife(), now).toMillis());
            }
        }
        return oldest / 1000.0;
    }
}
