package io.iotconnect.anomaly.detect;

import java.util.Locale;

/** How serious a finding is; a reading takes the highest of its findings. */
public enum Severity {
    NONE, WARNING, CRITICAL;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
