package io.iotconnect.anomaly;

import io.iotconnect.anomaly.metrics.Counter;
import io.iotconnect.anomaly.metrics.TransformMetrics;
import io.iotconnect.anomaly.output.StructExtender;
import io.iotconnect.anomaly.reading.DeviceIdSource;
import io.iotconnect.anomaly.spec.RuleSpecParser;
import io.iotconnect.anomaly.spec.RuleSyntaxException;
import io.iotconnect.anomaly.validate.ReadingValidator;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.common.config.Validators;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.Monitorable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks each reading against rules an operator writes in the connector config, and fails, tags or drops the
 * readings that break them.
 */
public abstract class ValidateReading<R extends ConnectRecord<R>> implements Transformation<R>, Versioned, Monitorable {

    public static final String OVERVIEW_DOC = "Checks each reading against per-field rules: presence, type, physical range, "
            + "allowed values, pattern, timestamp sanity, and a device id. A reading that breaks a rule is failed with a "
            + "DataException naming the field, the value and the rule (so Connect's errors.tolerance and dead letter queue "
            + "take it), tagged with a '" + AnomalyHeaders.VALIDATION_ERRORS + "' header (and optionally a field) for the "
            + "IsInvalid predicate to route, or dropped. Works on Struct values with a schema and on schemaless maps; "
            + "use the concrete transformation type designed for the record key (<code>" + ValidateReading.class.getName()
            + "$Key</code>) or value (<code>" + ValidateReading.class.getName() + "$Value</code>). Tombstones (null) and records a source sent to its error topic (raw payload with a '<source>.error.reason' header) pass unchanged.";

    public static final String RULES_CONFIG = "rules";
    private static final String RULES_DOC = "The rules, one list per field, separated by ';'. Each list is a field path "
            + "(dots for nesting, like location.lat), a colon, and checks separated by spaces. Checks: 'required' (present and "
            + "not null; without it a missing field is not checked); a type: 'number' (finite: NaN and infinities fail), "
            + "'integer', 'boolean', 'string', 'timestamp' (a Connect Timestamp, epoch milliseconds, or an ISO-8601 string "
            + "with a zone; 'timestamp(unit=s)' for epoch seconds); 'range(min, max)', 'min(x)', 'max(x)' (inclusive); "
            + "'in(a, b, c)' (allowed values); 'pattern(regex)' (whole value; quote it with ' when it holds spaces, commas, "
            + "parentheses or ';'); 'max.future(5m)' (not further ahead of the worker's clock: device clock skew) and "
            + "'max.age(7d)' (not older), both on timestamp fields, durations as 500ms, 30s, 5m, 2h, 7d or ISO-8601. "
            + "Example: \"temperature: required number range(-40, 125); humidity: number range(0, 100); "
            + "status: string in(ok, degraded, fault); ts: required timestamp max.future(5m) max.age(7d)\".";

    public static final String ON_INVALID_CONFIG = "on.invalid";
    private static final String ON_INVALID_DOC = "What happens to a reading that breaks a rule. 'fail': throw a DataException "
            + "naming the field, value and rule; with errors.tolerance=all on a sink connector the record goes to the dead "
            + "letter queue with Connect's error headers, otherwise the task fails. 'tag': keep the reading and add the "
            + "errors in the '" + AnomalyHeaders.VALIDATION_ERRORS + "' header (and in tag.field when set), for the "
            + "IsInvalid predicate to route, for example to a quarantine topic with RegexRouter. 'drop': discard it (counted "
            + "in the records-dropped-total metric).";

    public static final String TAG_FIELD_CONFIG = "tag.field";
    private static final String TAG_FIELD_DOC = "With on.invalid=tag, also write the errors into this top-level field (an "
            + "optional array of strings, null on valid readings; a Struct's schema gains the field). Empty: header only.";

    public static final String DEVICE_ID_FIELD_CONFIG = "device.id.field";
    private static final String DEVICE_ID_FIELD_DOC = "Field path holding the device id. Empty: the record key, as the "
            + "iot-connect sources set it.";

    public static final String DEVICE_ID_REQUIRED_CONFIG = "device.id.required";
    private static final String DEVICE_ID_REQUIRED_DOC = "Whether a reading without a device id (a null key, or a missing "
            + "device.id.field) is invalid.";

    public static final String DEVICE_ID_PATTERN_CONFIG = "device.id.pattern";
    private static final String DEVICE_ID_PATTERN_DOC = "Regular expression the whole device id must match, like "
            + "'dev-[0-9]{3,}'. Empty: any id.";

    private static final String RULES_GROUP = "Rules";
    private static final String DEVICE_GROUP = "Device id";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(RULES_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH, RULES_DOC,
                    RULES_GROUP, 1, ConfigDef.Width.LONG, "Rules")
            .define(ON_INVALID_CONFIG, ConfigDef.Type.STRING, "fail", Validators.oneOf(OnInvalid.class), ConfigDef.Importance.HIGH,
                    ON_INVALID_DOC, RULES_GROUP, 2, ConfigDef.Width.SHORT, "On invalid reading")
            .define(TAG_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, TAG_FIELD_DOC,
                    RULES_GROUP, 3, ConfigDef.Width.MEDIUM, "Errors field")
            .define(DEVICE_ID_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM, DEVICE_ID_FIELD_DOC,
                    DEVICE_GROUP, 1, ConfigDef.Width.MEDIUM, "Device id field")
            .define(DEVICE_ID_REQUIRED_CONFIG, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM, DEVICE_ID_REQUIRED_DOC,
                    DEVICE_GROUP, 2, ConfigDef.Width.SHORT, "Device id required")
            .define(DEVICE_ID_PATTERN_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, DEVICE_ID_PATTERN_DOC,
                    DEVICE_GROUP, 3, ConfigDef.Width.MEDIUM, "Device id pattern");

    private static final Schema ERRORS_SCHEMA = SchemaBuilder.array(Schema.STRING_SCHEMA).optional()
            .doc("Validation errors of the reading; null when it is valid.").build();

    /** What to do with an invalid reading. */
    public enum OnInvalid { FAIL, TAG, DROP }

    private final RecordOperand part;
    private final Time time;
    private ReadingValidator validator;
    private OnInvalid onInvalid;
    private StructExtender tagField;
    private final Counter valid = new Counter();
    private final Counter invalid = new Counter();
    private final Counter dropped = new Counter();

    private ValidateReading(RecordOperand part, Time time) {
        this.part = part;
        this.time = time;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        onInvalid = Validators.parseEnum(OnInvalid.class, config.getString(ON_INVALID_CONFIG));
        String rules = config.getString(RULES_CONFIG);
        Pattern idPattern = compileDevicePattern(config.getString(DEVICE_ID_PATTERN_CONFIG));
        String deviceField = config.getString(DEVICE_ID_FIELD_CONFIG);
        DeviceIdSource deviceIds;
        try {
            deviceIds = DeviceIdSource.of(deviceField);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(DEVICE_ID_FIELD_CONFIG, deviceField, e.getMessage());
        }
        try {
            validator = new ReadingValidator(RuleSpecParser.parse(rules), deviceIds,
                    config.getBoolean(DEVICE_ID_REQUIRED_CONFIG), idPattern);
        } catch (RuleSyntaxException e) {
            throw new ConfigException(RULES_CONFIG, rules, e.getMessage());
        }
        String tag = config.getString(TAG_FIELD_CONFIG).trim();
        if (!tag.isEmpty() && onInvalid != OnInvalid.TAG) {
            throw new ConfigException(TAG_FIELD_CONFIG, tag, "only applies with on.invalid=tag; remove it or set on.invalid=tag");
        }
        if (tag.contains(".")) {
            throw new ConfigException(TAG_FIELD_CONFIG, tag, "must be a top-level field name without dots, like validation_errors");
        }
        tagField = tag.isEmpty() ? null : new StructExtender(tag, ERRORS_SCHEMA);
    }

    private static Pattern compileDevicePattern(String regex) {
        if (regex == null || regex.isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(DEVICE_ID_PATTERN_CONFIG, regex, "not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }

    @Override
    public void withPluginMetrics(PluginMetrics metrics) {
        new TransformMetrics(metrics)
                .count("records-valid-total", "Readings that passed every rule.", valid)
                .count("records-invalid-total", "Readings that broke at least one rule (failed, tagged or dropped).", invalid)
                .count("records-dropped-total", "Invalid readings dropped (on.invalid=drop).", dropped);
    }

    @Override
    public R apply(R record) {
        Object operand = part.value(record);
        if (operand == null) {
            return record;
        }
        if (!(operand instanceof Struct) && !(operand instanceof Map)) {
            if (RecordContext.isSourceErrorRecord(record)) {
                return record;
            }
            throw RecordContext.notAReading(getClass(), operand, record);
        }
        List<String> errors = validator.validate(record.key(), operand, time.milliseconds());
        if (errors == null) {
            valid.increment();
            return tagField == null ? record : withTagField(record, operand, null, record.headers());
        }
        invalid.increment();
        switch (onInvalid) {
            case DROP:
                dropped.increment();
                return null;
            case TAG:
                Headers headers = record.headers().duplicate();
                headers.addString(AnomalyHeaders.VALIDATION_ERRORS, String.join(AnomalyHeaders.SEPARATOR, errors));
                return tagField == null ? part.with(record, part.schema(record), operand, headers)
                        : withTagField(record, operand, errors, headers);
            default:
                throw new DataException("Reading in " + RecordContext.describe(record) + " failed validation: "
                        + String.join(AnomalyHeaders.SEPARATOR, errors));
        }
    }

    private R withTagField(R record, Object operand, List<String> errors, Headers headers) {
        if (operand instanceof Struct struct) {
            Schema schema = tagField.schema(struct.schema());
            return part.with(record, schema, tagField.extend(struct, schema, errors), headers);
        }
        return part.with(record, null, tagField.extend((Map<?, ?>) operand, errors), headers);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.of(ValidateReading.class);
    }

    @Override
    public void close() {
    }

    /** Validates the record key. */
    public static final class Key<R extends ConnectRecord<R>> extends ValidateReading<R> {
        public Key() {
            super(RecordOperand.KEY, Time.SYSTEM);
        }

        Key(Time time) {
            super(RecordOperand.KEY, time);
        }
    }

    /** Validates the record value. */
    public static final class Value<R extends ConnectRecord<R>> extends ValidateReading<R> {
        public Value() {
            super(RecordOperand.VALUE, Time.SYSTEM);
        }

        Value(Time time) {
            super(RecordOperand.VALUE, time);
        }
    }
}
