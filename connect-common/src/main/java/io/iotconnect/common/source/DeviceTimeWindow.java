package io.iotconnect.common.source;

import io.iotconnect.common.config.Durations;

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
 * @param futureKey   the key that set {@code maxFuture}, named in reasons
 * @param pastKey     the key that set {@code maxPast}, named in reasons
 */
public record DeviceTimeWindow(Duration maxFuture, Duration maxPast, OutOfRange action, String futureKey, String pastKey) {

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
            return "device time " + Instant.ofEpochMilli(deviceMillis) + " is " + Durations.describe(Duration.ofMillis(ahead))
                    + " ahead of the connector's clock, beyond " + futureKey + "=" + Durations.format(maxFuture);
        }
        long behind = nowMillis - deviceMillis;
        if (behind > maxPast.toMillis()) {
            return "device time " + Instant.ofEpochMilli(deviceMillis) + " is " + Durations.describe(Duration.ofMillis(behind))
                    + " behind the connector's clock, beyond " + pastKey + "=" + Durations.format(maxPast);
        }
        return null;
    }
}
