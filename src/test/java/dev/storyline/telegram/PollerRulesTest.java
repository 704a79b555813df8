package dev.storyline.telegram;

import dev.storyline.bus.PollerStatus;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The poller's two judgements: which failures are outages worth a retry, and when a batch in hand is stuck. */
class PollerRulesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    @DisplayName("only the database unreachable, overloaded or restarting counts as an outage; an unknown exception is the update's own")
    void outages() {
        assertThat(UpdateBatches.isInfrastructure(new PgException("gone", "FATAL", "08006", null))).isTrue();
        assertThat(UpdateBatches.isInfrastructure(new PgException("busy", "ERROR", "53300", null))).isTrue();
        assertThat(UpdateBatches.isInfrastructure(new PgException("deadlock", "ERROR", "40P01", null))).isTrue();
        assertThat(UpdateBatches.isInfrastructure(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(UpdateBatches.isInfrastructure(new RuntimeException("wrapped", new java.net.ConnectException("refused")))).isTrue();

        assertThat(UpdateBatches.isInfrastructure(new PgException("duplicate", "ERROR", "23505", null))).isFalse();
        assertThat(UpdateBatches.isInfrastructure(new RuntimeException("something new"))).isFalse();
        assertThat(UpdateBatches.isInfrastructure(new ArrayIndexOutOfBoundsException(3))).isFalse();
        assertThat(UpdateBatches.isInfrastructure(new StackOverflowError())).isFalse();
    }

    @Test
    @DisplayName("a batch in hand for more than two minutes makes the telegram check DOWN, while polling itself is fine")
    void stuckBatch() {
        PollerStatus fresh = new PollerStatus(NOW.minusSeconds(600), NOW, null, false, "storyline_bot", NOW.minusSeconds(60));
        assertThat(TelegramHealthCheck.judge(fresh, NOW).healthy()).isTrue();

        PollerStatus stuck = new PollerStatus(NOW.minusSeconds(600), NOW, null, false, "storyline_bot",
                NOW.minus(Duration.ofMinutes(2)).minusSeconds(1));
        assertThat(TelegramHealthCheck.judge(stuck, NOW).healthy()).isFalse();
        assertThat(TelegramHealthCheck.judge(stuck, NOW).detail()).startsWith("a batch of updates has been in hand since");
    }
}
