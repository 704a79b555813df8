package dev.storyline.telegram;

import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.PollerStatus;
import dev.storyline.http.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Healthy while the poller reached Telegram within two minutes (or started less than two minutes ago)
 * and no batch of updates has been in hand for longer than that.
 */
public final class TelegramHealthCheck implements HealthCheck {
    public static final Duration STALE_AFTER = Duration.ofMinutes(2);
    private final EventBusClient bus;
    private final Clock clock;

    public TelegramHealthCheck(EventBusClient bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "telegram";
    }

    @Override
    public Future<Result> check() {
        return bus.telegramStatus().map(status -> judge(status, clock.instant()));
    }

    static Result judge(PollerStatus status, Instant now) {
        JsonObject data = status.toJson();
        if (status.conflict()) {
            return Result.down("409 Conflict: another instance polls with this token, or a webhook is set", data);
        }
        if (status.batchSince() != null && Duration.between(status.batchSince(), now).compareTo(STALE_AFTER) > 0) {
            return Result.down("a batch of updates has been in hand since " + status.batchSince() + ": see the log", data);
        }
        Instant since = status.lastPollOkAt() != null ? status.lastPollOkAt() : status.startedAt();
        boolean fresh = since != null && Duration.between(since, now).compareTo(STALE_AFTER) <= 0;
        if (status.lastPollOkAt() == null) {
            return fresh ? Result.up("connecting to Telegram" + (status.lastError() == null ? "" : " (" + status.lastError() + ")"), data)
                    : Result.down("never reached Telegram: " + status.lastError(), data);
        }
        return fresh ? Result.up("polling as @" + status.botUsername(), data)
                : Result.down("no successful poll since " + status.lastPollOkAt() + ": " + status.lastError(), data);
    }
}
