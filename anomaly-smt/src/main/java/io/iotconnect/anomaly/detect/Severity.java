package io.iotconnect.anomaly.detect;

import java.util.Locale;

/** How serious a finding is; a reading takes the highest of its findings. */
public enum Severity {
    NONE, WARNING, CRITICAL;

    private static final Severity[] CONFIGURABLE = {WARNING, CRITICAL};

    /** The lower-case name, made once: it is written on every flagged reading and read by IsAnomaly. */
    private final String word = name().toLowerCase(Locale.ROOT);

    public String word() {
        return word;
    }

    /** A configured severity (or a severity header): {@code warning} or {@code critical}, in any case. */
    public static Severity parse(String word) {
        for (Severity severity : CONFIGURABLE) {
            if (severity.word().equalsIgnoreCase(word.trim())) {
                return severity;
            }
        }
        throw new IllegalArgumentException("'" + word + "' is not a severity; write warning or critical");
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
