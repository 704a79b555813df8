package dev.storyline.tenant;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.ErrorCode;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.Heartbeat;
import dev.storyline.bus.SchedulerCommand;
import dev.storyline.bus.SchedulerStatus;
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
 * every {@code HEARTBEAT_SECONDS} and answers commands at {@code tenant.<id>.command}. Planning
 * and dispatch live here too once the posting pipeline exists. Kept small: thousands run in one JVM.
 */
public class TenantSchedulerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TenantSchedulerVerticle.class);

    private final Duration heartbeatInterval;
    private final Clock clock;
    private Tenant tenant;
    private EventBusClient bus;
    private Instant startedAt;
    private Instant lastHeartbeatAt;
    private long heartbeatTimer = -1;

    public TenantSchedulerVerticle(Duration heartbeatInterval, Clock clock) {
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        tenant = Tenant.fromJson(config());
        bus = new EventBusClient(vertx);
        startedAt = clock.instant();
        MessageConsumer<JsonObject> commands = vertx.eventBus().consumer(Addresses.tenantCommand(tenant.id()), this::onCommand);
        beat();
        heartbeatTimer = vertx.setPeriodic(heartbeatInterval.toMillis(), id -> beat());
        return commands.completion();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(heartbeatTimer);
        return Future.succeededFuture();
    }

    public long tenantId() {
        return tenant.id();
    }

    /** Publishes one heartbeat; the orchestrator redeploys this scheduler when they stop. */
    protected void beat() {
        lastHeartbeatAt = clock.instant();
        bus.heartbeat(new Heartbeat(tenant.id(), deploymentID(), lastHeartbeatAt, nextSlotAt()));
    }

    /** The next planned slot; none until planning arrives with the posting pipeline. */
    protected Instant nextSlotAt() {
        return null;
    }

    private void onCommand(Message<JsonObject> message) {
        SchedulerCommand command;
        try {
            command = SchedulerCommand.fromJson(message.body());
        } catch (RuntimeException e) {
            message.fail(ErrorCode.INVALID_INPUT.code(), e.getMessage());
            return;
        }
        switch (command.kind()) {
            case STATUS -> message.reply(new SchedulerStatus(tenant.id(), deploymentID(), tenant.settingsVersion(),
                    startedAt, lastHeartbeatAt, nextSlotAt()).toJson());
            default -> {
                LOG.warn("Tenant {}: unhandled scheduler command {}", tenant.id(), command.kind());
                message.fail(ErrorCode.INVALID_INPUT.code(), "unsupported command " + command.kind().wire());
            }
        }
    }
}
