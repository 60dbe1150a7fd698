package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Durations;

import java.time.Duration;

/** Timestamp sanity: parsable, not too far in the future (clock skew), not too old. */
final class TimeRules {

    private TimeRules() {
    }

    static ValueRule parsable(boolean epochSeconds) {
        return (value, now) -> {
            try {
                Values.epochMillis(value, epochSeconds);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        };
    }

    static ValueRule notAfterNowPlus(Duration skew, boolean epochSeconds) {
        long limit = skew.toMillis();
        String limitText = Durations.format(skew);
        return (value, now) -> {
            long millis;
            try {
                millis = Values.epochMillis(value, epochSeconds);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            long ahead = millis - now;
            return ahead > limit ? "is " + Durations.format(Duration.ofMillis(ahead)) + " in the future (max.future " + limitText + ")" : null;
        };
    }

    static ValueRule notBeforeNowMinus(Duration age, boolean epochSeconds) {
        long limit = age.toMillis();
        String limitText = Durations.format(age);
        return (value, now) -> {
            long millis;
            try {
                millis = Values.epochMillis(value, epochSeconds);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            long old = now - millis;
            return old > limit ? "is " + Durations.format(Duration.ofMillis(old)) + " old (max.age " + limitText + ")" : null;
        };
    }
}
