package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.DeviceIdSource;
import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.FieldRules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** All of a reading's rules, compiled once from configuration. */
public final class ReadingValidator {

    private final FieldValidator[] fields;
    private final DeviceIdSource deviceId;
    private final boolean deviceIdRequired;
    private final Pattern deviceIdPattern;

    public ReadingValidator(List<FieldRules> rules, DeviceIdSource deviceId, boolean deviceIdRequired, Pattern deviceIdPattern) {
        List<FieldValidator> compiled = new ArrayList<>(rules.size());
        for (FieldRules field : rules) {
            compiled.add(FieldValidator.compile(field));
        }
        this.fields = compiled.toArray(new FieldValidator[0]);
        this.deviceId = deviceId;
        this.deviceIdRequired = deviceIdRequired;
        this.deviceIdPattern = deviceIdPattern;
    }

    /**
     * What is wrong with the reading, one message per failed field ({@code humidity=140.5 above max 100}), or null
     * when it passes every rule.
     */
    public List<String> validate(Object key, Object operand, long nowMillis) {
        List<String> errors = null;
        if (deviceIdRequired || deviceIdPattern != null) {
            Object id = deviceId.deviceId(key, operand);
            if (id == null) {
                if (deviceIdRequired) {
                    errors = new ArrayList<>(2);
                    errors.add("device id is missing (" + deviceId.describe() + " is null or not a plain value)");
                }
            } else if (deviceIdPattern != null && !deviceIdPattern.matcher(id.toString()).matches()) {
                errors = new ArrayList<>(2);
                errors.add("device id " + Values.show(id.toString()) + " does not match pattern " + deviceIdPattern.pattern());
            }
        }
        for (FieldValidator field : fields) {
            errors = field.validate(operand, nowMillis, errors);
        }
        return errors;
    }
}
