package io.iotconnect.anomaly;

import io.iotconnect.anomaly.detect.AnomalyDetector;
import io.iotconnect.anomaly.detect.Severity;
import io.iotconnect.anomaly.reading.DeviceIdSource;
import io.iotconnect.anomaly.spec.Durations;
import io.iotconnect.anomaly.spec.RuleSpecParser;
import io.iotconnect.anomaly.validate.ReadingValidator;
import io.iotconnect.common.config.Validators;
import io.iotconnect.common.json.AvroNames;
import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.common.config.ConfigDef;

import java.time.Duration;

/**
 * The transforms' per-key validators. Connect's {@code config/validate} runs a transformation's {@code ConfigDef}
 * validators but never its {@code configure()}, so every check that a key can make alone lives here: a rule list that
 * would not compile, a regular expression, a field path, a duration fails there, on its key, with the message
 * {@code configure()} would have thrown (it runs the same validators when it parses its config).
 */
final class ConfigChecks {

    private ConfigChecks() {
    }

    /** ValidateReading's rules: parsed and compiled exactly as {@code configure()} does. */
    static ConfigDef.Validator validationRules() {
        return Validators.parsedBy("rules in the rule language (see above)",
                text -> new ReadingValidator(RuleSpecParser.parse(text), DeviceIdSource.of(""), false, null));
    }

    /** FlagAnomaly's detectors: parsed and compiled exactly as {@code configure()} does. */
    static ConfigDef.Validator detectors() {
        return Validators.parsedBy("detectors in the rule language (see above)",
                text -> new AnomalyDetector(RuleSpecParser.parse(text), null, Severity.WARNING, 1));
    }

    /** Empty, or a field path like {@code location.lat}. */
    static ConfigDef.Validator fieldPath() {
        return Validators.parsedBy("empty or a field path (dots for nesting)", text -> {
            if (!text.isBlank()) {
                FieldPath.parse(text);
            }
        });
    }

    /** Empty, or a top-level field name: the transforms add such a field, and cannot add one inside another. */
    static ConfigDef.Validator topLevelField(String example) {
        return Validators.parsedBy("empty or a top-level field name", text -> {
            String name = text.trim();
            if (name.contains(".")) {
                throw new IllegalArgumentException("must be a top-level field name without dots, like " + example);
            }
            // The field lands in the record's schema, which any converter must take: Avro's rules are the strictest.
            if (!name.isEmpty() && !AvroNames.isValidName(name)) {
                throw new IllegalArgumentException("must be a valid Avro name (A-Z, a-z, 0-9 and '_', not starting "
                        + "with a digit), so that every converter, Avro's included, accepts the schema; like " + example);
            }
        });
    }

    /** Empty, or a duration above zero. */
    static ConfigDef.Validator positiveDurationOrEmpty(String whenEmpty) {
        return Validators.parsedBy("empty or a duration above zero, like 10m", text -> positiveDuration(text, whenEmpty));
    }

    /** The duration, or null when {@code text} is empty. */
    static Duration positiveDuration(String text, String whenEmpty) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Duration duration = Durations.parse(text);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("must be above zero; leave it empty " + whenEmpty);
        }
        return duration;
    }

    /** A duration of zero or more, like 0, 30s or 1h. */
    static ConfigDef.Validator durationFromZero() {
        return Validators.parsedBy("a duration of 0 or more, like 0, 30s or 1h", ConfigChecks::durationFromZero);
    }

    static Duration durationFromZero(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty() || trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Duration duration = Durations.parse(trimmed);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("must not be negative");
        }
        return duration;
    }

    /** k/n with 1 <= k <= n <= 52. */
    static ConfigDef.Validator debounce() {
        return Validators.parsedBy("k/n, like 1/1 or 3/5", ConfigChecks::debounce);
    }

    static int[] debounce(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s*/\\s*");
        try {
            if (parts.length == 2) {
                int k = Integer.parseInt(parts[0]);
                int n = Integer.parseInt(parts[1]);
                if (k >= 1 && k <= n && n <= 52) {
                    return new int[] {k, n};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("write k/n, k flagged readings among the device's last n, with 1 <= k <= n <= 52, "
                + "like 1/1 (the first flagged reading) or 3/5");
    }
}
