package dev.storyline.app;

import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.argument.StructuredArguments;

/**
 * Log arguments that read as plain values in text logs ("Tenant -100123: slot 42 …") and become
 * fields of their own with {@code LOG_FORMAT=json} ({@code "tenant": -100123, "queue_item": 42}), so
 * one tenant's or one story's lines can be filtered.
 */
public final class LogFields {
    private LogFields() {
    }

    public static StructuredArgument tenant(long tenantId) {
        return StructuredArguments.value("tenant", tenantId);
    }

    /** A posting_queue row. */
    public static StructuredArgument slot(long queueId) {
        return StructuredArguments.value("queue_item", queueId);
    }
}
