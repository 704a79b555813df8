package dev.storyline.bus;

import java.time.Instant;

/**
 * A tenant scheduler is alive. {@code deploymentId} tells beats of a replaced deployment apart;
 * {@code nextSlotAt} is null while nothing is planned. Never on the wire: beats travel in batches
 * inside one JVM ({@link HeartbeatRelay}).
 */
public record Heartbeat(long tenantId, String deploymentId, Instant at, Instant nextSlotAt) {
}
