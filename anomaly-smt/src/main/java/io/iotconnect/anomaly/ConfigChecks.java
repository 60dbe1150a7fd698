package io.iotconnect.anomaly;

import io.iotconnect.anomaly.detect.AnomalyDetector;
import io.iotconnect.anomaly.detect.Severity;
import io.iotconnect.anomaly.reading.DeviceIdSource;
import io.iotconnect.anomaly.spec.Durations;
import io.iotconnect.anomaly.spec.RuleSpecParser;
import io.iotconnect.anomaly.validate.ReadingValidator;
import io.iotconnect.common.config.Validators;
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
            if (text.trim().contains(".")) {
                throw new IllegalArgumentException("must be a top-level field name without dots, like " + example);
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
}
