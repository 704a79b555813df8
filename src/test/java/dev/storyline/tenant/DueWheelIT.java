package dev.storyline.tenant;

import dev.storyline.bus.Addresses;
import dev.storyline.bus.SchedulerCommand;
import dev.storyline.plan.QueueRepository;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 19: one read a period wakes exactly the schedulers of this node whose team has a slot coming due. */
class DueWheelIT {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration PERIOD = Duration.ofMillis(100);
    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private static void slot(long tenant, Instant due, String state) {
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at, state, is_manual) VALUES (?, ?, ?, ?, ?, true)",
                tenant, "wheel-" + due, OffsetDateTime.ofInstant(due, ZoneOffset.UTC), OffsetDateTime.ofInstant(due, ZoneOffset.UTC), state);
    }

    @Test
    @DisplayName("the wheel wakes the schedulers here with a planned slot due soon or missed today; not later ones, paused teams or other nodes'")
    void wakesTheDue() {
        db.insertTenant(-9101, "Due soon", "approved", false);
        db.insertTenant(-9102, "Missed an hour ago", "approved", false);
        db.insertTenant(-9103, "Due tomorrow", "approved", false);
        db.insertTenant(-9104, "Paused", "approved", true);
        db.insertTenant(-9105, "Only a claimed slot", "approved", false);
        db.insertTenant(-9106, "Runs on another node", "approved", false);
        slot(-9101, NOW.plusMillis(50), "planned");
        slot(-9102, NOW.minus(Duration.ofHours(1)), "planned");
        slot(-9103, NOW.plus(Duration.ofDays(1)), "planned");
        slot(-9104, NOW.plusMillis(50), "planned");
        slot(-9105, NOW.minusSeconds(5), "claimed");
        slot(-9106, NOW.plusMillis(50), "planned");
        Set<Long> woken = ConcurrentHashMap.newKeySet();
        for (long tenant : List.of(-9101L, -9102L, -9103L, -9104L, -9105L)) {
            vertx.eventBus().<JsonObject>consumer(Addresses.tenantCommand(tenant), message -> {
                if (SchedulerCommand.fromJson(message.body()).kind() == SchedulerCommand.Kind.WAKE) {
                    woken.add(tenant);
                }
                message.reply(new JsonObject());
            }).completion().await();
        }

        vertx.deployVerticle(new DueWheelVerticle(new QueueRepository(pool), PERIOD, Clock.fixed(NOW, ZoneOffset.UTC))).await();

        await().atMost(Duration.ofSeconds(10)).until(() -> woken.containsAll(Set.of(-9101L, -9102L)));
        assertThat(woken).containsOnly(-9101L, -9102L);
        // -9106's wake found no consumer here and was dropped: another node's wheel wakes it there
    }
}
