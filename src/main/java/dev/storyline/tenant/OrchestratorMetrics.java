package dev.storyline.tenant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The orchestrator's meters. Tenant-free aggregates only: one series each, whatever the tenant count. */
public final class OrchestratorMetrics {
    private final AtomicInteger deployed = new AtomicInteger();
    private final AtomicLong oldestHeartbeatAgeMillis = new AtomicLong();
    private final Counter restarts;

    public OrchestratorMetrics(MeterRegistry registry) {
        Gauge.builder("storyline_schedulers_deployed", deployed, AtomicInteger::get)
                .description("Tenant schedulers currently deployed")
                .register(registry);
        Gauge.builder("storyline_scheduler_heartbeat_age_max_seconds", oldestHeartbeatAgeMillis, age -> age.get() / 1000.0)
                .description("Age of the oldest heartbeat among deployed schedulers")
                .register(registry);
        restarts = Counter.builder("storyline_scheduler_restarts")
                .description("Schedulers redeployed because they stopped beating")
                .register(registry);
    }

    void update(int deployedSchedulers, double oldestHeartbeatAgeSeconds) {
        deployed.set(deployedSchedulers);
        oldestHeartbeatAgeMillis.set(Math.round(oldestHeartbeatAgeSeconds * 1000));
    }

    void restarted() {
        restarts.increment();
    }
}
