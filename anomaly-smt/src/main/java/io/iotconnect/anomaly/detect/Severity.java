package io.iotconnect.anomaly.detect;

import java.util.List;
import java.util.Locale;

/** How serious a finding is; a reading takes the highest of its findings. */
public enum Severity {
    NONE, WARNING, CRITICAL;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A configured severity: {@code warning} or {@code critical}, in any case. */
    public static Severity parse(String word) {
        for (Severity severity : List.of(WARNING, CRITICAL)) {
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
