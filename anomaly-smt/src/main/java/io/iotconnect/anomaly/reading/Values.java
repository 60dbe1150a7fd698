package io.iotconnect.anomaly.reading;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

/** How readings' values are read as numbers and times, and shown in messages. */
public final class Values {

    private static final int MAX_SHOWN = 64;

    private Values() {
    }

    /** The value as a double, or NaN when it is not a {@link Number}. Non-finite numbers stay non-finite. */
    public static double asDouble(Object value) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    /** True for numbers with no fractional part (integral types, or floating ones holding a whole value). */
    public static boolean isIntegral(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return true;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().scale() <= 0;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d);
        }
        return false;
    }

    /**
     * Epoch milliseconds of a time value: a {@link Date} (Connect's Timestamp), a number of epoch milliseconds (or
     * seconds when {@code seconds} is set), or an ISO-8601 string with a zone.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static long epochMillis(Object value, EpochUnit unit) {
        if (value instanceof Date date) {
            return date.getTime();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("is not a finite number");
            }
            return unit.toMillis(d);
        }
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("is not an ISO-8601 time with a zone, like 2026-11-22T14:03:42Z");
            }
        }
        throw new IllegalArgumentException("is " + typeName(value) + ", not a time (epoch " + switch (unit) {
            case SECONDS -> "seconds";
            case MILLIS -> "milliseconds";
            case AUTO -> "seconds or milliseconds";
        } + " or an ISO-8601 string)");
    }

    /** The value as it appears in a message: strings quoted, long values cut short. */
    public static String show(Object value) {
        String text;
        if (value instanceof String s) {
            text = "'" + s + "'";
        } else if (value instanceof Date date) {
            text = Instant.ofEpochMilli(date.getTime()).toString();
        } else if (value instanceof byte[] bytes) {
            text = "<" + bytes.length + " bytes>";
        } else if (value instanceof Double || value instanceof Float) {
            text = number(((Number) value).doubleValue());
        } else {
            text = String.valueOf(value);
        }
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }

    /** A number without a needless {@code .0}: 80, 87.2, -0.5, NaN. */
    public static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** A number rounded to at most 2 decimals, for derived figures (rates, z-scores, means). */
    public static String rounded(double value) {
        return number(Math.round(value * 100.0) / 100.0);
    }

    public static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof java.util.Map || value instanceof org.apache.kafka.connect.data.Struct) {
            return "an object";
        }
        if (value instanceof java.util.List) {
            return "an array";
        }
        if (value instanceof byte[]) {
            return "bytes";
        }
        return "a " + value.getClass().getSimpleName();
    }
}
