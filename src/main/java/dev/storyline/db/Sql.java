package dev.storyline.db;

import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The two conversions every repository needs between {@code timestamptz} and {@link Instant}. */
public final class Sql {
    private Sql() {
    }

    /** An instant as a {@code timestamptz} parameter (the pg client takes {@link OffsetDateTime}); null stays null. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A {@code timestamptz} column as an instant; null stays null. */
    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
