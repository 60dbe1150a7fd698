package io.iotconnect.iothub.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with 20% jitter: {@code initial * 2^failures}, at most {@code max}. Not thread-safe. */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    /** The delay before the next attempt; each call counts one more failure. */
    long nextDelayMillis() {
        long base = initialMillis << Math.min(failures, 30);
        failures++;
        long capped = Math.min(maxMillis, base <= 0 ? maxMillis : base);
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Math.max(1, Math.min(maxMillis, Math.round(capped * jitter)));
    }

    /** After a success: the next delay is the initial one again. */
    void reset() {
        failures = 0;
    }
}
