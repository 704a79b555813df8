package dev.storyline.telegram;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The Telegram verticle's meters: tenant-free aggregates. */
public final class TelegramMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger queued = new AtomicInteger();
    private final Counter rateLimited;
    private final Counter pollFailures;
    private final Counter updatesSkipped;
    private final Timer updateHandling;

    public TelegramMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("storyline_telegram_outbox_queued", queued, AtomicInteger::get)
                .description("Calls waiting in the Telegram outbox").register(registry);
        rateLimited = Counter.builder("storyline_telegram_rate_limited").description("429 answers from Telegram").register(registry);
        pollFailures = Counter.builder("storyline_telegram_poll_failures").description("getUpdates calls that failed").register(registry);
        updatesSkipped = Counter.builder("storyline_telegram_updates_skipped")
                .description("Malformed or unexpected updates that were logged and skipped").register(registry);
        updateHandling = Timer.builder("storyline_telegram_update_handling")
                .description("From an update's arrival to its reply handed to the outbox")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void outboxQueued(int count) {
        queued.set(count);
    }

    void sent(String method) {
        registry.counter("storyline_telegram_calls", "method", method).increment();
    }

    void outboxRefused(String bound) {
        registry.counter("storyline_telegram_outbox_refused", "bound", bound).increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void pollFailed() {
        pollFailures.increment();
    }

    void updateSkipped() {
        updatesSkipped.increment();
    }

    void updateHandled(Duration took) {
        updateHandling.record(took);
    }

    public Timer updateHandlingTimer() {
        return updateHandling;
    }
}
