package io.iotconnect.mqtt.mapping;

import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.mqtt.config.TimestampFormat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Reads a reading's time from a payload field value, in one configured format.
 *
 * <p>{@link TimestampFormat#AUTO} reads a number, or a string holding one, as epoch seconds below
 * {@link #AUTO_SECONDS_BELOW} (1e11: as milliseconds that would be before 1973-03-03, as seconds it is up to year
 * 5138) and as epoch milliseconds from there up to {@link #AUTO_MILLIS_BELOW} (1e14, year 5138 in milliseconds);
 * larger numbers are refused, as they are most likely microseconds or nanoseconds. Any other string must be ISO-8601
 * with an offset or Z; a local time without one is refused, since the connector cannot know the device's zone.
 *
 * <p>In every format the time must be from 1970 on (Kafka refuses negative record timestamps) and within a 64-bit
 * count of milliseconds; NaN and infinities are refused.
 */
final class TimestampParser {

    /** In auto, numbers below this are epoch seconds. */
    static final double AUTO_SECONDS_BELOW = 1e11;

    /** In auto, numbers from {@link #AUTO_SECONDS_BELOW} up to (not including) this are epoch milliseconds. */
    static final double AUTO_MILLIS_BELOW = 1e14;

    /** A JSON number written as a string, as devices send epoch times in quotes. */
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** 2^63: milliseconds at or beyond it do not fit a Kafka record timestamp (Math.round would saturate). */
    private static final double MILLIS_LIMIT = 0x1p63;

    private static final int MAX_SHOWN_LENGTH = 64;

    private static final String ISO_EXAMPLE = "2026-11-22T14:03:42.123Z or 2026-11-22T15:03:42.123+01:00";

    private final TimestampFormat format;

    TimestampParser(TimestampFormat format) {
        this.format = format;
    }

    /**
     * Epoch milliseconds of the value.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    long toEpochMillis(Object value) {
        switch (format) {
            case AUTO:
                return auto(value);
            case EPOCH_MILLIS:
                return fromMillis(number(value, "epoch milliseconds"), value);
            case EPOCH_SECONDS:
                return fromSeconds(number(value, "epoch seconds"), value);
            case ISO_8601:
                if (!(value instanceof String text)) {
                    throw new IllegalArgumentException("expected an ISO-8601 string like 2026-11-22T14:03:42.123Z, got " + describe(value));
                }
                return fromIso(text, "is not an ISO-8601 time with a zone, like " + ISO_EXAMPLE);
            default:
                throw new IllegalStateException("unknown timestamp format " + format);
        }
    }

    private static long auto(Object value) {
        double number;
        if (value instanceof Number n) {
            number = finite(n.doubleValue(), value);
        } else if (value instanceof String text && DECIMAL.matcher(text.trim()).matches()) {
            number = finite(Double.parseDouble(text.trim()), value);
        } else if (value instanceof String text) {
            return fromIso(text, "is neither epoch seconds or milliseconds nor an ISO-8601 time with a zone, like 1795356222, "
                    + "1795356222123 or " + ISO_EXAMPLE);
        } else {
            throw new IllegalArgumentException("expected epoch seconds or milliseconds (a number) or an ISO-8601 string like "
                    + ISO_EXAMPLE + ", got " + describe(value));
        }
        if (number < 0) {
            throw beforeEpoch(value);
        }
        if (number < AUTO_SECONDS_BELOW) {
            return fromSeconds(number, value);
        }
        if (number < AUTO_MILLIS_BELOW) {
            return fromMillis(number, value);
        }
        throw new IllegalArgumentException("time " + show(value) + " is too large for epoch milliseconds (after year 5138), "
                + "so likely microseconds or nanoseconds; format auto reads numbers below 1e11 as epoch seconds and below 1e14 "
                + "as epoch milliseconds (set " + MqttSourceConnectorConfig.TIMESTAMP_FORMAT_CONFIG
                + "=epoch-millis to read it as milliseconds regardless)");
    }

    private static long fromSeconds(double seconds, Object value) {
        return fromMillis(seconds * 1000.0, value);
    }

    private static long fromMillis(double millis, Object value) {
        if (!(millis < MILLIS_LIMIT)) {
            throw tooLate(value);
        }
        long rounded = Math.round(millis);
        if (rounded < 0) {
            throw beforeEpoch(value);
        }
        return rounded;
    }

    private static long fromIso(String text, String notIso) {
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            if (isLocalDateTime(text)) {
                throw new IllegalArgumentException(quote(text) + " has no zone: add Z for UTC or the device's offset, like "
                        + ISO_EXAMPLE + " (the connector cannot know the device's zone)");
            }
            throw new IllegalArgumentException(quote(text) + " " + notIso);
        }
        long millis;
        try {
            millis = time.toInstant().toEpochMilli();
        } catch (ArithmeticException e) {
            throw tooLate(text);
        }
        if (millis < 0) {
            throw beforeEpoch(text);
        }
        return millis;
    }

    private static boolean isLocalDateTime(String text) {
        try {
            LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static double number(Object value, String unit) {
        if (value instanceof Number n) {
            return finite(n.doubleValue(), value);
        }
        if (value instanceof String text) {
            double parsed;
            try {
                parsed = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number (" + unit + "), got " + describe(value));
            }
            return finite(parsed, value);
        }
        throw new IllegalArgumentException("expected a number (" + unit + "), got " + describe(value));
    }

    private static double finite(double number, Object value) {
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException("time " + show(value) + " is not a finite number");
        }
        return number;
    }

    private static IllegalArgumentException beforeEpoch(Object value) {
        return new IllegalArgumentException("time " + show(value) + " is before 1970, which Kafka cannot store as a record timestamp");
    }

    private static IllegalArgumentException tooLate(Object value) {
        return new IllegalArgumentException("time " + show(value) + " is after year 292278994, beyond a Kafka record "
                + "timestamp (a 64-bit count of milliseconds)");
    }

    /** The value as written: strings quoted, numbers as they are. */
    private static String show(Object value) {
        return value instanceof String text ? quote(text) : String.valueOf(value);
    }

    private static String describe(Object value) {
        if (value instanceof String text) {
            return quote(text);
        }
        return value == null ? "null" : MqttRecordMapper.describe(value);
    }

    /** The text in quotes, cut short: reasons travel in record headers. */
    private static String quote(String text) {
        return "'" + (text.length() <= MAX_SHOWN_LENGTH ? text : text.substring(0, MAX_SHOWN_LENGTH) + "...") + "'";
    }
}
