package io.iotconnect.iothub.mapping;

import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.config.TimestampFormat;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A reading's time from a JSON field value, in epoch milliseconds. {@link TimestampFormat#AUTO} takes a number (or a
 * string holding one) as epoch seconds below 1e11 and as epoch milliseconds below 1e14, refusing larger ones (likely
 * micro- or nanoseconds); any other string must be ISO-8601 with an offset. Every format refuses times before 1970
 * (Kafka has no negative record timestamps), NaN and infinities.
 */
final class TimestampParser {

    static final double SECONDS_BELOW = 1e11;
    static final double MILLIS_BELOW = 1e14;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private final TimestampFormat format;

    TimestampParser(TimestampFormat format) {
        this.format = format;
    }

    /** @throws IllegalArgumentException saying what was expected */
    long toEpochMillis(Object value) {
        return switch (format) {
            case AUTO -> auto(value);
            case EPOCH_MILLIS -> millis(number(value, "epoch milliseconds"), value);
            case EPOCH_SECONDS -> millis(number(value, "epoch seconds") * 1000.0, value);
            case ISO_8601 -> {
                if (!(value instanceof String text)) {
                    throw new IllegalArgumentException("expected an ISO-8601 string like 2026-11-22T14:03:42.123Z, got " + show(value));
                }
                yield iso(text);
            }
        };
    }

    private static long auto(Object value) {
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else if (value instanceof String text && NUMBER.matcher(text.trim()).matches()) {
            number = Double.parseDouble(text.trim());
        } else if (value instanceof String text) {
            return iso(text);
        } else {
            throw new IllegalArgumentException("expected epoch seconds or milliseconds, or an ISO-8601 string, got " + show(value));
        }
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException("time " + show(value) + " is not a finite number");
        }
        if (number < SECONDS_BELOW) {
            return millis(number * 1000.0, value);
        }
        if (number < MILLIS_BELOW) {
            return millis(number, value);
        }
        throw new IllegalArgumentException("time " + show(value) + " is too large for epoch milliseconds (after year 5138), so "
                + "likely micro- or nanoseconds; set " + IotHubSourceConfig.TIMESTAMP_FORMAT_CONFIG + "=epoch-millis to read it as milliseconds anyway");
    }

    private static double number(Object value, String unit) {
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else if (value instanceof String text && NUMBER.matcher(text.trim()).matches()) {
            number = Double.parseDouble(text.trim());
        } else {
            throw new IllegalArgumentException("expected a number (" + unit + "), got " + show(value));
        }
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException("time " + show(value) + " is not a finite number");
        }
        return number;
    }

    private static long millis(double millis, Object value) {
        if (millis < 0) {
            throw new IllegalArgumentException("time " + show(value) + " is before 1970, which Kafka cannot store as a record timestamp");
        }
        if (millis >= 0x1p63) {
            throw new IllegalArgumentException("time " + show(value) + " is beyond a Kafka record timestamp");
        }
        return Math.round(millis);
    }

    private static long iso(String text) {
        long millis;
        try {
            millis = OffsetDateTime.parse(text.trim()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(show(text) + " is not an ISO-8601 time with an offset or Z, like 2026-11-22T14:03:42.123Z");
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("time " + show(text) + " is beyond a Kafka record timestamp");
        }
        if (millis < 0) {
            throw new IllegalArgumentException("time " + show(text) + " is before 1970, which Kafka cannot store as a record timestamp");
        }
        return millis;
    }

    /** The value as written, strings quoted and cut short: reasons travel in record headers. */
    private static String show(Object value) {
        if (value instanceof String text) {
            return "'" + (text.length() <= 64 ? text : text.substring(0, 64) + "...") + "'";
        }
        if (value instanceof java.util.Map) {
            return "an object";
        }
        if (value instanceof java.util.List) {
            return "an array";
        }
        return String.valueOf(value);
    }
}
