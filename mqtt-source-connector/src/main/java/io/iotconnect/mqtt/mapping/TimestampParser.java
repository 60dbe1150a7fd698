package io.iotconnect.mqtt.mapping;

import io.iotconnect.mqtt.config.TimestampFormat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a reading's time from a payload field value, in one configured format. */
final class TimestampParser {

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
        long millis;
        switch (format) {
            case EPOCH_MILLIS:
                millis = Math.round(number(value));
                break;
            case EPOCH_SECONDS:
                millis = Math.round(number(value) * 1000.0);
                break;
            case ISO_8601:
                if (!(value instanceof String text)) {
                    throw new IllegalArgumentException("expected an ISO-8601 string like 2026-11-22T14:03:42.123Z, got " + describe(value));
                }
                try {
                    millis = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 time with a zone, like 2026-11-22T14:03:42.123Z");
                }
                break;
            default:
                throw new IllegalStateException("unknown timestamp format " + format);
        }
        if (millis < 0) {
            throw new IllegalArgumentException("time " + value + " is before 1970, which Kafka cannot store as a record timestamp");
        }
        return millis;
    }

    private double number(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        } else if (value instanceof String text) {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new IllegalArgumentException("expected a number (" + (format == TimestampFormat.EPOCH_MILLIS ? "epoch milliseconds" : "epoch seconds")
                + "), got " + describe(value));
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "'" + value + "'";
        }
        return value == null ? "null" : MqttRecordMapper.describe(value);
    }
}
