package dev.storyline.bus;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeartbeatRelayTest {
    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");
    private Vertx vertx;
    private final AtomicInteger messages = new AtomicInteger();
    private final Map<Long, Heartbeat> received = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        HeartbeatRelay.install(vertx);
        vertx.eventBus().<Object>localConsumer(Addresses.TENANT_HEARTBEATS, message -> {
            messages.incrementAndGet();
            ((HeartbeatRelay.Heartbeats) message.body()).beats().forEach(beat -> received.put(beat.tenantId(), beat));
        }).completion().await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    @DisplayName("10,000 schedulers beating cost a batch or two on the bus, not 10,000 messages; a tenant's latest beat wins")
    void batches() {
        EventBusClient bus = new EventBusClient(vertx);
        for (long tenant = 1; tenant <= 10_000; tenant++) {
            bus.heartbeat(new Heartbeat(tenant, "old-" + tenant, AT, null));
            bus.heartbeat(new Heartbeat(tenant, "dep-" + tenant, AT.plusSeconds(1), AT.plusSeconds(60)));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 10_000);
        // a flush may fall in the middle of the loop: at most a handful of batches, and an old beat of a tenant only before its new one
        assertThat(messages.get()).isLessThanOrEqualTo(20);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.values().stream().allMatch(b -> b.deploymentId().startsWith("dep-")));
    }

    @Test
    @DisplayName("a scheduler that stops beating stops appearing in the batches")
    void silence() {
        EventBusClient bus = new EventBusClient(vertx);
        bus.heartbeat(new Heartbeat(1L, "dep-1", AT, null));
        bus.heartbeat(new Heartbeat(2L, "dep-2", AT, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        received.clear();
        int before = messages.get();
        bus.heartbeat(new Heartbeat(2L, "dep-2", AT.plusSeconds(15), null));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.containsKey(2L));
        bus.heartbeat(new Heartbeat(3L, "dep-3", AT.plusSeconds(15), null));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.containsKey(3L));
        // two batches later, tenant 1 (silent) has not come back; the others' beats are the new ones
        assertThat(received).containsOnlyKeys(2L, 3L);
        assertThat(messages.get() - before).isBetween(1, 2);
        assertThat(List.copyOf(received.values())).extracting(Heartbeat::at).containsOnly(AT.plusSeconds(15));
    }
}
