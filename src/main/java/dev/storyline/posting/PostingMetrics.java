package dev.storyline.posting;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * Posting's meters, tenant-free aggregates (issue 7): notifications sent, outcomes by kind, dispatch
 * lateness, Instagram publishes and errors by code, and side effects that did not happen (a caption
 * edit not recorded, a keyboard not changed, a notice not sent) by what.
 */
public final class PostingMetrics {
    private final MeterRegistry registry;
    private final Counter notifications;
    private final Timer lateness;

    public PostingMetrics(MeterRegistry registry) {
        this.registry = registry;
        notifications = Counter.builder("storyline_notifications_sent").description("Story notifications sent to chats").register(registry);
        lateness = Timer.builder("storyline_dispatch_lateness")
                .description("From a slot's time to its dispatch (claim); retries and catch-up excluded")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    void notified() {
        notifications.increment();
    }

    /** posted, skipped, rejected, failed, expired. */
    void outcome(String outcome) {
        Counter.builder("storyline_story_outcomes").tag("outcome", outcome).description("Stories ended, by outcome")
                .register(registry).increment();
    }

    void lateness(Duration late) {
        lateness.record(late.isNegative() ? Duration.ZERO : late);
    }

    void published() {
        Counter.builder("storyline_instagram_publishes").description("Stories published through the Graph API").register(registry).increment();
    }

    /** By error code: instagram_rate_limited, instagram_token_invalid, ... */
    void instagramError(String code) {
        Counter.builder("storyline_instagram_errors").tag("code", code).description("Instagram publishes that failed, by error code")
                .register(registry).increment();
    }

    /** A side effect that failed and is not retried: edit_marks, keyboard, publish_notice. */
    void failure(String what) {
        Counter.builder("storyline_posting_failures").tag("what", what)
                .description("Side effects of posting that failed (logged at WARN): edit_marks, keyboard, publish_notice")
                .register(registry).increment();
    }
}
