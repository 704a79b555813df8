package dev.storyline.tenant;

import dev.storyline.app.LogFields;
import dev.storyline.bus.Addresses;
import dev.storyline.bus.Consumers;
import dev.storyline.bus.Dispatch;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.Heartbeat;
import dev.storyline.bus.SchedulerCommand;
import dev.storyline.bus.SchedulerStatus;
import dev.storyline.plan.Pipeline;
import dev.storyline.plan.Planner;
import dev.storyline.run.Trigger;
import dev.storyline.plan.QueueItem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One tenant's scheduler; its deployment config is the {@link Tenant}. It beats on the event bus
 * every {@code HEARTBEAT_SECONDS} and answers commands at {@code tenant.<id>.command}. With a
 * {@link Pipeline} it also plans and dispatches (D9–D11): at start it tops off the plan and expires
 * slots missed for longer than {@code CATCH_UP_MINUTES}; a timer fires at the next due slot, which is
 * claimed and handed to {@code posting.dispatch}; the node's {@link DueWheelVerticle} is the safety net
 * (it wakes the scheduler when a slot planned behind its back comes due) and a top-off runs every few
 * hours. Kept small: 100,000 run in one JVM.
 */
public class TenantSchedulerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TenantSchedulerVerticle.class);

    private final Duration heartbeatInterval;
    private final Clock clock;
    private Tenant tenant;
    /** D32: in a cluster, the lease this scheduler runs under; its claims need it to be current. Null on a single node. */
    private dev.storyline.plan.QueueRepository.Lease lease;
    private EventBusClient bus;
    private Instant startedAt;
    private Instant lastHeartbeatAt;
    private long heartbeatTimer = -1;
    private final Pipeline pipeline;
    private long dueTimer = -1;
    /** Set when undeployed: start-up work a gate admits later does nothing, and no timer is set. */
    private volatile boolean stopped;
    private long planTimer = -1;
    private boolean dispatching;
    /** Set once the missed slots are expired: a wake before that (the due wheel, a button) must not send one of them. */
    private boolean begun;
    /** After a late (catch-up) dispatch, no other due slot goes before this business time (D11). */
    private Instant catchUpUntil;
    private Instant nextSlotAt;

    /** Heartbeats and status only (tests of the orchestrator). */
    public TenantSchedulerVerticle(Duration heartbeatInterval, Clock clock) {
        this(heartbeatInterval, clock, null);
    }

    public TenantSchedulerVerticle(Duration heartbeatInterval, Clock clock, Pipeline pipeline) {
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
        this.pipeline = pipeline;
    }

    @Override
    public Future<?> start() {
        tenant = Tenant.fromJson(config());
        lease = config().getValue(TenantOrchestratorVerticle.LEASE_EPOCH) instanceof Number epoch
                ? new dev.storyline.plan.QueueRepository.Lease(config().getString(TenantOrchestratorVerticle.LEASE_OWNER), epoch.longValue()) : null;
        bus = new EventBusClient(vertx);
        startedAt = clock.instant();
        MessageConsumer<JsonObject> commands = Consumers.registerClustered(vertx.eventBus(), Addresses.tenantCommand(tenant.id()), SchedulerCommand::fromJson,
                this::command);
        beat();
        heartbeatTimer = vertx.setPeriodic(heartbeatInterval.toMillis(), id -> beat());
        if (pipeline != null) {
            // D32: taken over from another node, its stale claims under the old lease come back first (younger ones may still be
            // on their way through a live node's outbox: the sweep returns them once stale, unless the sending node recorded them)
            Future<Integer> takenOver = lease == null ? Future.succeededFuture(0)
                    : pipeline.queue().reclaimOtherEpochs(tenant.id(), lease.epoch(), clock.instant().minus(pipeline.staleClaim())).otherwise(0);
            commands.completion().compose(v -> takenOver).onSuccess(reclaimed -> {
                if (reclaimed > 0) {
                    LOG.info("Tenant {}: {} slots claimed under an earlier lease go back to the plan", tenant.id(), reclaimed);
                }
                begin();
            });
        }
        return commands.completion();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(dueTimer);
        vertx.cancelTimer(planTimer);
        return Future.succeededFuture();
    }

    // --- planning and dispatch ---

    private void begin() {
        // issue 19: start-up work goes through the shared gate, a few schedulers at a time, so very many starting together do not
        // flood the pool: first the missed slots and the first look at the queue, then (queued again, behind every scheduler's
        // first turn) the top-off. No sweep of its own: the node's due wheel wakes it when a slot it did not plan comes due.
        pipeline.starts().admit(context, () -> stopped ? Future.succeededFuture() : expireMissed().eventually(() -> {
            begun = true;
            return arm();
        })).onComplete(v -> {
            if (stopped) {
                return;
            }
            planTimer = vertx.setPeriodic(Duration.ofHours(6).toMillis(), id -> topOff(null, Trigger.SCHEDULE)
                    .onFailure(e -> LOG.warn("Tenant {}: top-off failed: {}", LogFields.tenant(tenant.id()), e.getMessage())));
            pipeline.starts().admit(context, () -> stopped ? Future.succeededFuture() : topOff(null, Trigger.STARTUP)
                    .onFailure(e -> LOG.warn("Tenant {}: planning at start failed: {}", LogFields.tenant(tenant.id()), e.getMessage()))
                    .eventually(() -> stopped ? Future.succeededFuture() : arm()));
        });
    }

    /** D11: what was missed by more than the catch-up window goes to history as expired, before anything is sent. */
    private Future<?> expireMissed() {
        Instant now = clock.instant();
        Duration catchUp = Duration.ofMinutes(pipeline.scheduling().catchUpMinutes());
        return pipeline.queue().overdue(tenant.id(), now.minus(catchUp))
                .compose(missed -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (QueueItem slot : missed) {
                        chain = chain.compose(v -> pipeline.queue().finish(tenant.id(), slot.id(), "expired", null, now,
                                pipeline.scheduling().repostTtlDays(), pipeline.scheduling().skipTtlDays(),
                                "missed: Storyline was not running", QueueItem.PLANNED).mapEmpty());
                    }
                    if (!missed.isEmpty()) {
                        LOG.warn("Tenant {}: {} slots missed by more than {} min went to history as expired",
                                LogFields.tenant(tenant.id()), missed.size(),
                                catchUp.toMinutes());
                    }
                    return chain;
                })
                .onFailure(e -> LOG.warn("Tenant {}: expiring missed slots at start failed: {}", LogFields.tenant(tenant.id()), e.getMessage()));
    }

    /** Plans ahead, then looks at the runway (D28): the chat is warned once per level when a category runs low. */
    private Future<Planner.TopOff> topOff(Integer days, Trigger trigger) {
        return pipeline.planner().topOff(tenant, days == null ? pipeline.scheduling().horizonDays() : days, trigger)
                .compose(planned -> pipeline.runways().check(tenant)
                        .onFailure(e -> LOG.warn("Tenant {}: runway check failed: {}", LogFields.tenant(tenant.id()), e.getMessage()))
                        .otherwiseEmpty().map(planned));
    }

    /** Looks at the queue: dispatches what is due, then sets the timer to the next due slot. */
    private Future<?> arm() {
        if (dispatching || !begun) {
            return Future.succeededFuture();
        }
        return pipeline.queue().nextDue(tenant.id()).onSuccess(next -> {
            nextSlotAt = next.orElse(null);
            vertx.cancelTimer(dueTimer);
            dueTimer = -1;
            if (next.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            long delay = Duration.between(now, next.get()).toMillis();
            if (delay <= 0 && catchUpUntil != null && now.isBefore(catchUpUntil)) {
                // D11: after downtime the overdue slots go one a minute, whatever wakes this scheduler (the due wheel too)
                dueTimer = vertx.setTimer(Math.max(1, Math.min(Duration.between(now, catchUpUntil).toMillis(),
                        pipeline.sweepInterval().toMillis())), id -> arm());
            } else if (delay <= 0) {
                dispatchDue();
            } else {
                // the due wheel (issue 19) wakes it if an earlier slot appears meanwhile
                dueTimer = vertx.setTimer(delay, id -> arm());
            }
        }).onFailure(e -> LOG.warn("Tenant {}: reading the queue failed: {}", LogFields.tenant(tenant.id()), e.getMessage()));
    }

    /** Claims the oldest due slot and hands it to posting; after downtime the rest follow one a minute (D11). */
    private void dispatchDue() {
        dispatching = true;
        Instant now = clock.instant();
        pipeline.queue().claimDue(tenant.id(), now, 1, lease)
                .compose(claimed -> {
                    if (claimed.isEmpty()) {
                        return Future.succeededFuture(false);
                    }
                    QueueItem slot = claimed.get(0);
                    boolean late = Duration.between(slot.dueAt(), now).compareTo(Duration.ofSeconds(30)) > 0;
                    return bus.dispatch(new Dispatch(tenant.id(), slot.id())).map(outcome -> late)
                            .otherwise(e -> {
                                LOG.warn("Tenant {}: dispatch of slot {} failed: {}", LogFields.tenant(tenant.id()), slot.id(), e.getMessage());
                                return true;
                            });
                })
                .onComplete(late -> {
                    dispatching = false;
                    if (late.succeeded() && late.result()) {
                        catchUpUntil = clock.instant().plus(pipeline.catchUpSpacing());
                        vertx.cancelTimer(dueTimer);
                        dueTimer = vertx.setTimer(pipeline.catchUpSpacing().toMillis(), id -> arm());
                    } else {
                        arm();
                    }
                });
    }

    public long tenantId() {
        return tenant.id();
    }

    /** Publishes one heartbeat; the orchestrator redeploys this scheduler when they stop. */
    protected void beat() {
        lastHeartbeatAt = clock.instant();
        bus.heartbeat(new Heartbeat(tenant.id(), deploymentID(), lastHeartbeatAt, nextSlotAt()));
    }

    /** The next planned slot (or retry), as last read from the queue. */
    protected Instant nextSlotAt() {
        return nextSlotAt;
    }

    private Future<JsonObject> command(SchedulerCommand command) {
        return switch (command.kind()) {
            case STATUS -> Future.succeededFuture(new SchedulerStatus(tenant.id(), deploymentID(), tenant.settingsVersion(),
                    startedAt, lastHeartbeatAt, nextSlotAt()).toJson());
            case PLAN -> pipeline == null ? Future.failedFuture(ErrorCode.UNAVAILABLE.failure("this scheduler does not plan"))
                    : topOff(command.days(), Trigger.fromWire(command.trigger()).orElse(Trigger.ADMIN_API))
                            .onSuccess(result -> arm())
                            .map(result -> result.toJson())
                            .recover(e -> Future.failedFuture(ErrorCode.INTERNAL.failure("planning failed: " + e.getMessage())));
            case WAKE -> {
                if (pipeline != null) {
                    arm();
                }
                yield Future.succeededFuture(new JsonObject());
            }
            default -> {
                LOG.warn("Tenant {}: unhandled scheduler command {}", LogFields.tenant(tenant.id()), command.kind());
                yield Future.failedFuture(ErrorCode.INVALID_INPUT.failure("unsupported command " + command.kind().wire()));
            }
        };
    }
}
