package io.iotconnect.iothub.config;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a partition without a committed offset starts: its earliest retained event, the next event enqueued, or the
 * first event enqueued after an instant.
 *
 * @param kind        which of the three
 * @param enqueuedAfter with {@link Kind#ENQUEUED_TIME}: the instant; null otherwise
 */
public record StartPosition(Kind kind, Instant enqueuedAfter) {

    public enum Kind { EARLIEST, LATEST, ENQUEUED_TIME }

    public static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, null);
    public static final StartPosition LATEST = new StartPosition(Kind.LATEST, null);

    public StartPosition {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ENQUEUED_TIME) != (enqueuedAfter != null)) {
            throw new IllegalArgumentException("an instant goes with ENQUEUED_TIME only");
        }
    }

    /**
     * Parses {@code earliest}, {@code latest} or an ISO-8601 time with an offset, like 2026-01-02T03:04:05Z.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static StartPosition parse(String text) {
        String value = text == null ? "" : text.trim();
        switch (value.toLowerCase(Locale.ROOT)) {
            case "earliest":
                return EARLIEST;
            case "latest":
                return LATEST;
            default:
                try {
                    return new StartPosition(Kind.ENQUEUED_TIME, OffsetDateTime.parse(value).toInstant());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("'" + value + "' is neither earliest, latest nor an ISO-8601 time with "
                            + "an offset, like 2026-01-02T03:04:05Z");
                }
        }
    }

    @Override
    public String toString() {
        return kind == Kind.ENQUEUED_TIME ? "enqueued after " + enqueuedAfter : kind.name().toLowerCase(Locale.ROOT);
    }
}
