package io.iotconnect.anomaly.spec;

import io.iotconnect.common.path.FieldPath;

import java.util.List;

/** The checks written for one field: {@code humidity: number range(0, 100)}. */
public record FieldRules(FieldPath path, List<Check> checks) {

    public FieldRules {
        checks = List.copyOf(checks);
    }
}
