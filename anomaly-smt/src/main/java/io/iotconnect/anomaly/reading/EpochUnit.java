package io.iotconnect.anomaly.reading;

import java.util.Locale;

/**
 * How a number in a timestamp field is read: epoch milliseconds, epoch seconds, or {@code auto}, the rule the MQTT
 * source's {@code mqtt.timestamp.format=auto} uses too: below 1e11 seconds (as milliseconds that would be before
 * March 1973; as seconds it reaches year 5138), milliseconds from there on.
 */
public enum EpochUnit {
    MILLIS("ms"), SECONDS("s"), AUTO("auto");

    /** In auto, numbers below this are epoch seconds. */
    public static final double AUTO_SECONDS_BELOW = 1e11;

    private final String word;

    EpochUnit(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** ms, s or auto; null for an unknown word. */
    public static EpochUnit of(String word) {
        for (EpochUnit unit : values()) {
            if (unit.word.equals(word.trim().toLowerCase(Locale.ROOT))) {
                return unit;
            }
        }
        return null;
    }

    long toMillis(double value) {
        boolean seconds = this == SECONDS || this == AUTO && Math.abs(value) < AUTO_SECONDS_BELOW;
        return seconds ? Math.round(value * 1000.0) : Math.round(value);
    }
}
