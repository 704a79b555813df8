package dev.storyline.cluster;

import dev.storyline.plan.QueueRepository;
import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * D32 against the real statements: nodes share the active tenants fairly through their leases, a node
 * that joins gets its share as the others let go, a dead node's tenants go to the living with a new
 * epoch, an old owner's claims are fenced off, and one node at a time holds a named lease.
 */
class ClusterLeasesIT {
    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;
    private static LeaseRepository leases;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        leases = new LeaseRepository(pool, Duration.ofSeconds(30));
        for (int i = 1; i <= 10; i++) {
            db.insertTenant(-9000 - i, "Leased " + i, "approved", false);
        }
        db.insertTenant(-9100, "Paused", "approved", true);
        db.insertTenant(-9101, "Pending", "pending", false);
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private static Set<Long> running(String node) {
        Set<Long> ids = new HashSet<>();
        db.column("SELECT tenant_id FROM tenant_leases WHERE owner = ? AND lease_until > now()", node).forEach(id -> ids.add((Long) id));
        return ids;
    }

    @Test
    @DisplayName("two nodes share ten tenants five and five, a joining node gets its share, a dead node's go to the living with a new epoch")
    void fairShareAndFailover() {
        TenantLeases a = new TenantLeases(leases, "node-a", "10.0.0.1:5701");
        TenantLeases b = new TenantLeases(leases, "node-b", "10.0.0.2:5701");

        Map<Long, Long> first = a.refresh().await();
        assertThat(first).as("alone, a takes every active tenant, not the paused or pending one").hasSize(10)
                .doesNotContainKeys(-9100L, -9101L);
        assertThat(first.values()).containsOnly(1L);

        assertThat(b.refresh().await()).as("b joins: nothing is free yet").isEmpty();
        assertThat(a.refresh().await()).as("a sees two nodes and lets half go").hasSize(5);
        Map<Long, Long> bHolds = b.refresh().await();
        assertThat(bHolds).hasSize(5);
        assertThat(bHolds.values()).as("taken again: the epoch rose").containsOnly(2L);
        Set<Long> both = new HashSet<>(running("node-a"));
        both.retainAll(running("node-b"));
        assertThat(both).as("no tenant owned twice").isEmpty();
        assertThat(db.count("SELECT count(*) FROM tenant_leases WHERE lease_until > now()")).isEqualTo(10);

        // a renewal round keeps the split as it is
        assertThat(a.refresh().await().keySet()).isEqualTo(running("node-a"));
        assertThat(b.refresh().await().keySet()).isEqualTo(bHolds.keySet());

        // a dies: it stops beating and renewing; once its leases and its liveness run out, b takes everything
        db.execute("UPDATE tenant_leases SET lease_until = now() - interval '1 second' WHERE owner = 'node-a'");
        db.execute("UPDATE cluster_nodes SET seen_at = now() - interval '1 minute' WHERE node_id = 'node-a'");
        Set<Long> aHad = new HashSet<>(first.keySet());
        aHad.removeAll(bHolds.keySet());
        Map<Long, Long> after = b.refresh().await();
        assertThat(after).hasSize(10);
        aHad.forEach(id -> assertThat(after.get(id)).as("tenant " + id + " changed hands twice").isEqualTo(2L));
        assertThat(running("node-a")).isEmpty();

        // a paused tenant's lease is not renewed: it lapses and nobody runs it
        db.execute("UPDATE tenants SET is_paused = true WHERE id = -9010");
        assertThat(b.refresh().await()).hasSize(9).doesNotContainKey(-9010L);
        db.execute("UPDATE tenants SET is_paused = false WHERE id = -9010");
        assertThat(b.refresh().await()).hasSize(10);
    }

    @Test
    @DisplayName("an old owner's claims are fenced: only the current lease's owner and epoch claim a due slot")
    void fencedClaims() {
        db.execute("INSERT INTO tenants (id, title, chat_type, state) VALUES (-9201, 'Fenced', 'group', 'approved')");
        db.execute("INSERT INTO tenant_leases (tenant_id, owner, epoch, lease_until) VALUES (-9201, 'node-new', 7, now() + interval '30 seconds')");
        Instant now = Instant.parse("2026-12-04T10:00:00Z");
        db.execute("INSERT INTO posting_queue (tenant_id, slot_key, scheduled_for, due_at) VALUES (-9201, 'fenced-1', ?, ?)",
                now.minusSeconds(60).atOffset(java.time.ZoneOffset.UTC), now.minusSeconds(60).atOffset(java.time.ZoneOffset.UTC));
        QueueRepository queue = new QueueRepository(pool);

        assertThat(queue.claimDue(-9201, now, 5, new QueueRepository.Lease("node-old", 7)).await()).as("another node").isEmpty();
        assertThat(queue.claimDue(-9201, now, 5, new QueueRepository.Lease("node-new", 6)).await()).as("an old epoch").isEmpty();
        db.execute("UPDATE tenant_leases SET lease_until = now() - interval '1 second' WHERE tenant_id = -9201");
        assertThat(queue.claimDue(-9201, now, 5, new QueueRepository.Lease("node-new", 7)).await()).as("a lease that ran out").isEmpty();
        db.execute("UPDATE tenant_leases SET lease_until = now() + interval '30 seconds' WHERE tenant_id = -9201");
        assertThat(queue.claimDue(-9201, now, 5, new QueueRepository.Lease("node-new", 7)).await()).hasSize(1);
    }

    @Test
    @DisplayName("a named lease has one holder: renewing keeps its epoch, another node gets it only once it runs out or is let go")
    void namedLease() {
        assertThat(leases.holdNamed("job", "node-a").await()).contains(1L);
        assertThat(leases.holdNamed("job", "node-b").await()).as("held by a").isEmpty();
        assertThat(leases.holdNamed("job", "node-a").await()).as("renewed").contains(1L);
        assertThat(leases.namedOwner("job").await()).contains("node-a");
        leases.releaseNamed("job", "node-a").await();
        assertThat(leases.holdNamed("job", "node-b").await()).as("let go: b takes it").contains(2L);
        db.execute("UPDATE cluster_leases SET lease_until = now() - interval '1 second' WHERE name = 'job'");
        assertThat(leases.holdNamed("job", "node-a").await()).as("ran out: a takes it back").contains(3L);
    }

    @Test
    @DisplayName("the fair share rounds up, and a node counts itself before its first beat is seen")
    void share() {
        assertThat(TenantLeases.share(10, 3)).isEqualTo(4);
        assertThat(TenantLeases.share(10, 0)).isEqualTo(10);
        assertThat(TenantLeases.share(0, 2)).isZero();
        assertThat(TenantLeases.share(300, 3)).isEqualTo(100);
    }
}
