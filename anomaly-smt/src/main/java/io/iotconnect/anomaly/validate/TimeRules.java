package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.EpochUnit;
import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Durations;

import java.time.Duration;
import java.util.function.LongBinaryOperator;

/** Timestamp sanity: parsable, not too far in the future (clock skew), not too old. */
final class TimeRules {

    private TimeRules() {
    }

    static ValueRule parsable(EpochUnit unit) {
        return (value, now) -> {
            try {
                Values.epochMillis(value, unit);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        };
    }

    static ValueRule notAfterNowPlus(Duration skew, EpochUnit unit) {
        String limit = " in the future (max.future " + Durations.format(skew) + ")";
        return bounded(skew, unit, (time, now) -> time - now, limit);
    }

    static ValueRule notBeforeNowMinus(Duration age, EpochUnit unit) {
        String limit = " old (max.age " + Durations.format(age) + ")";
        return bounded(age, unit, (time, now) -> now - time, limit);
    }

    /** Fails when {@code distance(time, now)} exceeds the limit; the message shows the distance. */
    private static ValueRule bounded(Duration limit, EpochUnit unit, LongBinaryOperator distance, String suffix) {
        long limitMillis = limit.toMillis();
        return (value, now) -> {
            long millis;
            try {
                millis = Values.epochMillis(value, unit);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            long beyond = distance.applyAsLong(millis, now);
            return beyond > limitMillis ? "is " + Durations.format(Duration.ofMillis(beyond)) + suffix : null;
        };
    }
}
