package io.iotconnect.anomaly;

import io.iotconnect.anomaly.metrics.Counter;
import io.iotconnect.anomaly.metrics.TransformMetrics;
import io.iotconnect.anomaly.output.StructExtender;
import io.iotconnect.anomaly.reading.DeviceIdSource;
import io.iotconnect.anomaly.spec.RuleSpecParser;
import io.iotconnect.anomaly.validate.ReadingValidator;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.common.config.Validators;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks each reading against rules an operator writes in the connector config, and fails, tags or drops the
 * readings that break them.
 */
public abstract class ValidateReading<R extends ConnectRecord<R>> implements Transformation<R>, Versioned, Monitorable {

    private static final Logger log = LoggerFactory.getLogger(ValidateReading.class);

    public static final String OVERVIEW_DOC = "Checks each reading against per-field rules: presence, type, physical range, "
            + "allowed values, pattern, timestamp sanity, and a device id. A reading that breaks a rule is failed with a "
            + "DataException naming the field, the value and the rule (so Connect's errors.tolerance and dead letter queue "
            + "take it), tagged with a '" + AnomalyHeaders.VALIDATION_ERRORS + "' header (and optionally a field) for the "
            + "IsInvalid predicate to route, or dropped. Works on Struct values with a schema and on schemaless maps; "
            + "use the concrete transformation type designed for the record key (<code>" + ValidateReading.class.getName()
            + "$Key</code>) or value (<code>" + ValidateReading.class.getName() + "$Value</code>). A value that is not an object "
            + "(a bare number, string, array or bytes) is an invalid reading with the error 'not an object', handled by "
            + "on.invalid like any other and kept as it is. Tombstones (null) and records a source sent to its error topic "
            + "(raw payload with a '<source>.error.reason' header) pass unchanged.";

    public static final String RULES_CONFIG = "rules";
    private static final String RULES_DOC = "The rules, one list per field, separated by ';'. Each list is a field path "
            + "(dots for nesting, like location.lat), a colon, and checks separated by spaces. Checks: 'required' (present and "
            + "not null; without it a missing field is not checked); a type: 'number' (finite: NaN and infinities fail), "
            + "'integer', 'boolean', 'string', 'timestamp' (a Connect Timestamp, an ISO-8601 string with a zone, or an epoch "
            + "number read by magnitude: seconds below 1e11, milliseconds from there on, as the MQTT source's "
            + "mqtt.timestamp.format=auto; 'timestamp(unit=ms)' or 'timestamp(unit=s)' fix the unit); 'range(min, max)', 'min(x)', 'max(x)' (inclusive); "
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
            + "optional array of strings, null on valid readings; a Struct's schema gains the field, on every reading, so a "
            + "schema registry sees one version per input schema, compatible under BACKWARD as the field is optional). A valid "
            + "Avro name, so that any converter takes the schema. Empty: header only. Ignored, with a warning in the log, "
            + "unless on.invalid=tag.";

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
            .define(RULES_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.validationRules(), ConfigDef.Importance.HIGH, RULES_DOC,
                    RULES_GROUP, 1, ConfigDef.Width.LONG, "Rules")
            .define(ON_INVALID_CONFIG, ConfigDef.Type.STRING, "fail", Validators.oneOf(OnInvalid.class), ConfigDef.Importance.HIGH,
                    ON_INVALID_DOC, RULES_GROUP, 2, ConfigDef.Width.SHORT, "On invalid reading")
            .define(TAG_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.topLevelField("validation_errors"),
                    ConfigDef.Importance.LOW, TAG_FIELD_DOC,
                    RULES_GROUP, 3, ConfigDef.Width.MEDIUM, "Errors field")
            .define(DEVICE_ID_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.fieldPath(), ConfigDef.Importance.MEDIUM,
                    DEVICE_ID_FIELD_DOC,
                    DEVICE_GROUP, 1, ConfigDef.Width.MEDIUM, "Device id field")
            .define(DEVICE_ID_REQUIRED_CONFIG, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM, DEVICE_ID_REQUIRED_DOC,
                    DEVICE_GROUP, 2, ConfigDef.Width.SHORT, "Device id required")
            .define(DEVICE_ID_PATTERN_CONFIG, ConfigDef.Type.STRING, "", Validators.regex(), ConfigDef.Importance.LOW,
                    DEVICE_ID_PATTERN_DOC,
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
        // Every key alone was checked by its validator while AbstractConfig parsed it, as in config/validate.
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        onInvalid = Validators.parseEnum(OnInvalid.class, config.getString(ON_INVALID_CONFIG));
        String pattern = config.getString(DEVICE_ID_PATTERN_CONFIG);
        validator = new ReadingValidator(RuleSpecParser.parse(config.getString(RULES_CONFIG)),
                DeviceIdSource.of(config.getString(DEVICE_ID_FIELD_CONFIG)), config.getBoolean(DEVICE_ID_REQUIRED_CONFIG),
                pattern.isBlank() ? null : Pattern.compile(pattern));
        String tag = config.getString(TAG_FIELD_CONFIG).trim();
        if (!tag.isEmpty() && onInvalid != OnInvalid.TAG) {
            // A check across keys, which config/validate cannot make: reported, not refused at start.
            log.warn("ValidateReading ignores {}={}: it only applies with {}=tag", TAG_FIELD_CONFIG, tag, ON_INVALID_CONFIG);
            tag = "";
        }
        tagField = tag.isEmpty() ? null : new StructExtender(tag, ERRORS_SCHEMA);
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
        boolean reading = operand instanceof Struct || operand instanceof Map;
        if (!reading && RecordContext.isSourceErrorRecord(record)) {
            return record;
        }
        List<String> errors = reading ? validator.validate(record.key(), operand, time.milliseconds())
                : List.of(RecordContext.notAnObject(operand));
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
                // A value that is not an object has no field to hold the errors: the header carries them alone.
                return tagField == null || !reading ? part.with(record, part.schema(record), operand, headers)
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
