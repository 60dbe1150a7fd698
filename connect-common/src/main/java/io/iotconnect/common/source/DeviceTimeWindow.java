package io.iotconnect.common.source;

import java.time.Duration;
import java.time.Instant;

/**
 * The record times a source takes from a device's clock: from {@code maxPast} before the connector's clock to
 * {@code maxFuture} after it. A broker refuses a record stamped further ahead than its
 * {@code log.message.timestamp.after.max.ms} (one hour by default since Kafka 4.0), which fails the task, and deletes
 * records older than the topic's retention as soon as their segment rolls; a device whose clock is wrong must cost its
 * own record at most, never the task. What happens beyond the window is {@link #action()}.
 *
 * @param maxFuture   how far ahead of the connector's clock a device time may be
 * @param maxPast     how far behind it a device time may be
 * @param action      what becomes of a record whose device time is outside
 * @param futureBound the setting of {@code maxFuture} as reasons name it ({@code mqtt.timestamp.max.future=15m})
 * @param pastBound   the setting of {@code maxPast} as reasons name it
 */
public record DeviceTimeWindow(Duration maxFuture, Duration maxPast, OutOfRange action, String futureBound, String pastBound) {

    /** What becomes of a record whose device time is outside the window. */
    public enum OutOfRange {
        /** The record keeps the source's own time (arrival, enqueued) and a header with the reason. */
        FALLBACK,
        /** The record goes to the error topic with the reason. */
        ERROR_TOPIC
    }

    /**
     * Why {@code deviceMillis} is outside the window around {@code nowMillis}, or null when it is inside.
     */
    public String outside(long deviceMillis, long nowMillis) {
        long ahead = deviceMillis - nowMillis;
        if (ahead > maxFuture.toMillis()) {
            return "device time " + Instant.ofEpochMilli(deviceMillis) + " is " + describe(ahead)
                    + " ahead of the connector's clock, beyond " + futureBound;
        }
        long behind = nowMillis - deviceMillis;
        if (behind > maxPast.toMillis()) {
            return "device time " + Instant.ofEpochMilli(deviceMillis) + " is " + describe(behind)
                    + " behind the connector's clock, beyond " + pastBound;
        }
        return null;
    }

    /** A span as people read it, to the second: 2h 5m 3s, 3d 4h, 45s; below a second, in milliseconds. */
    static String describe(long millis) {
        long seconds = millis / 1000;
        if (seconds == 0) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder();
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        append(text, days, "d");
        append(text, hours, "h");
        if (days == 0) {
            append(text, minutes, "m");
            if (hours == 0) {
                append(text, seconds % 60, "s");
            }
        }
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(amount).append(unit);
        }
    }
}
