package io.iotconnect.anomaly;

import io.iotconnect.anomaly.detect.AnomalyDetector;
import io.iotconnect.anomaly.detect.Assessment;
import io.iotconnect.anomaly.detect.Episode;
import io.iotconnect.anomaly.detect.Severity;
import io.iotconnect.anomaly.metrics.Counter;
import io.iotconnect.anomaly.metrics.TransformMetrics;
import io.iotconnect.anomaly.output.StructExtender;
import io.iotconnect.anomaly.reading.DeviceIdSource;
import io.iotconnect.anomaly.reading.EpochUnit;
import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.RuleSpecParser;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.common.config.Validators;
import io.iotconnect.common.path.FieldPath;
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

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flags anomalous readings: static thresholds, rolling z-scores, rates of change, stuck sensors and silent devices.
 */
public abstract class FlagAnomaly<R extends ConnectRecord<R>> implements Transformation<R>, Versioned, Monitorable {

    private static final Logger log = LoggerFactory.getLogger(FlagAnomaly.class);

    public static final String OVERVIEW_DOC = "Flags anomalous readings with detectors per field: static thresholds with "
            + "warning and critical levels, an anomaly likelihood over a robust, seasonal baseline per device, a rolling z-score over an exponentially weighted mean and variance per device, "
            + "the rate of change per second between a device's readings, a flatline (the same value N times in a row), and "
            + "a gap (a device silent for too long, flagged on its next reading). Adds the headers '" + AnomalyHeaders.ANOMALY
            + "' (true/false on every reading), and on flagged readings '" + AnomalyHeaders.SEVERITY + "' (warning or "
            + "critical), '" + AnomalyHeaders.SCORE + "' (1 at a detector's warning level, 2 at its critical level) and '"
            + AnomalyHeaders.REASONS + "' (like 'temperature=87.2 above critical 80'); optionally the same as a field. "
            + "Flagged readings form episodes per device ('" + AnomalyHeaders.EPISODE + "' start/ongoing/end), so the IsAnomaly "
            + "predicate with match=episode-starts sends one alert per incident. "
            + "Per-device state is per task and bounded: keep each device on one task (records keyed by device id on a sink; "
            + "unshared MQTT filters or one task on the MQTT source). Use the concrete transformation type designed for the "
            + "record key (<code>" + FlagAnomaly.class.getName() + "$Key</code>) or value (<code>" + FlagAnomaly.class.getName()
            + "$Value</code>). Tombstones (null), values that are not an object (a bare number, string, array or bytes: "
            + "ValidateReading marks those invalid) and records a source sent to its error topic (raw payload with a "
            + "'<source>.error.reason' header) pass unchanged.";

    public static final String DETECTORS_CONFIG = "detectors";
    private static final String DETECTORS_DOC = "The detectors, one list per field, separated by ';'. Each list is a field path "
            + "(dots for nesting), a colon, and detectors separated by spaces: 'above(warning, critical)' and "
            + "'below(warning, critical)' (static thresholds; either level may be left out by naming the other, like "
            + "below(warning=10)); 'likelihood(season=daily, half.life=6h, spread.half.life=1d, season.half.life=3d, "
            + "window=15m, history=7d, raise=0.9999, critical=0.99999, clear=0.9, warmup=50, floor=0.01, min.spread=0)' "
            + "(the recommended detector for a metric without known limits: how unusual the field's recent deviation from the "
            + "device's own robust baseline is, as a probability; a baseline per hour of the day with season=daily; forgets "
            + "by elapsed time; flags from 'raise' (critical from 'critical') and, once raised, while at or above 'clear'); "
            + "'zscore(warning=3, critical=5, warmup=30, alpha=0.05, min.stddev=0, floor=0.01)' (distance from the "
            + "device's exponentially weighted mean in standard deviations, never below 'floor' times the signal's "
            + "typical magnitude plus 'min.stddev'; silent for the first 'warmup' readings; an "
            + "outlier moves the baseline only up to the warning band); 'rate(warning, critical)' (absolute change per "
            + "second between consecutive readings of the device); 'flatline(count, severity=warning)' (the same value "
            + "'count' times in a row). A field that is absent or not a number is skipped; NaN and infinities are flagged "
            + "critical. Example: \"temperature: above(warning=35, critical=80) below(warning=0, critical=-20) "
            + "zscore(warning=4, critical=6) rate(warning=2) flatline(20); humidity: above(warning=85, critical=95); "
            + "pressure: below(warning=980, critical=950); light: below(warning=10)\".";

    public static final String GAP_CONFIG = "gap.max.silence";
    private static final String GAP_DOC = "Flag a device's reading when the device was silent for longer than this since its "
            + "previous reading (by reading time), like 10m. Durations as 500ms, 30s, 5m, 2h, 7d or ISO-8601. Empty: off.";

    public static final String GAP_SEVERITY_CONFIG = "gap.severity";
    private static final String GAP_SEVERITY_DOC = "Severity of a gap finding: warning or critical.";

    public static final String DEVICE_ID_FIELD_CONFIG = "device.id.field";
    private static final String DEVICE_ID_FIELD_DOC = "Field path holding the device id that keys per-device state. Empty: the "
            + "record key, as the iot-connect sources set it. A reading without a device id gets the stateless detectors only.";

    public static final String TIMESTAMP_FIELD_CONFIG = "timestamp.field";
    private static final String TIMESTAMP_FIELD_DOC = "Field path holding the reading's time, for rates and gaps (a Connect "
            + "Timestamp, epoch milliseconds or an ISO-8601 string). Empty: the record timestamp (the iot-connect sources set it "
            + "to the reading time when configured to), else the worker's clock. A reading whose field holds no readable time is "
            + "assessed at its record timestamp and counted in records-timestamp-unreadable-total.";

    public static final String TIMESTAMP_UNIT_CONFIG = "timestamp.unit";
    private static final String TIMESTAMP_UNIT_DOC = "How numbers in timestamp.field are read: auto (epoch seconds below 1e11, "
            + "epoch milliseconds from there on, as the MQTT source's mqtt.timestamp.format=auto), ms (epoch milliseconds) or "
            + "s (epoch seconds).";

    public static final String MAX_DEVICES_CONFIG = "state.max.devices";
    private static final String MAX_DEVICES_DOC = "Devices whose detector state is kept per task; beyond it the least recently "
            + "seen device is forgotten (and starts a new warm-up when it returns). Measured: 1,075 bytes per device with one "
            + "field under every stateful detector (likelihood with its daily season about 840 of them) plus the gap check "
            + "and episodes (about 1 GB for a million devices); 48 bytes per further field under z-score, rate or flatline.";

    public static final String EPISODE_DEBOUNCE_CONFIG = "episode.debounce";
    private static final String EPISODE_DEBOUNCE_DOC = "When an episode starts, as k/n: when k of the device's last n readings "
            + "are flagged (n at most 52). 1/1: on the first flagged reading; 3/5 waits for three flagged readings among "
            + "five before alerting.";

    public static final String EPISODE_CLEAR_AFTER_CONFIG = "episode.clear.after";
    private static final String EPISODE_CLEAR_AFTER_DOC = "An episode ends on the device's first reading after this long "
            + "without a flagged reading (that reading gets '" + AnomalyHeaders.EPISODE + "'=end); every reading before "
            + "belongs to it ('ongoing'). Durations as 30s, 15m, 1h.";

    public static final String EPISODE_COOLDOWN_CONFIG = "episode.cooldown";
    private static final String EPISODE_COOLDOWN_DOC = "After an episode ends, no new one starts for this long (flagged "
            + "readings still get their per-reading headers). 0: off.";

    public static final String OUTPUT_HEADERS_CONFIG = "output.headers";
    private static final String OUTPUT_HEADERS_DOC = "Whether to add the anomaly headers. The IsAnomaly predicate reads them.";

    public static final String OUTPUT_FIELD_CONFIG = "output.field";
    private static final String OUTPUT_FIELD_DOC = "Also add the result as a top-level field of this name: a struct (or map) "
            + "with 'flagged' (boolean), 'severity' (string, null when not flagged), 'score' (double) and 'reasons' (array of "
            + "strings), named io.iotconnect.anomaly.AnomalyResult. A Struct's schema gains the field, optional, on every "
            + "reading, so a schema registry sees one version per input schema, compatible under BACKWARD; derived schemas "
            + "are cached. A valid Avro name, so that any converter takes the schema. Empty: headers only.";

    private static final String DETECTORS_GROUP = "Detectors";
    private static final String EPISODES_GROUP = "Episodes";
    private static final String READING_GROUP = "Reading";
    private static final String OUTPUT_GROUP = "Output";

    private static final String GAP_OFF = "to turn the gap detector off";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(DETECTORS_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.detectors(), ConfigDef.Importance.HIGH, DETECTORS_DOC,
                    DETECTORS_GROUP, 1, ConfigDef.Width.LONG, "Detectors")
            .define(GAP_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.positiveDurationOrEmpty(GAP_OFF),
                    ConfigDef.Importance.MEDIUM, GAP_DOC,
                    DETECTORS_GROUP, 2, ConfigDef.Width.SHORT, "Gap: maximum silence")
            .define(GAP_SEVERITY_CONFIG, ConfigDef.Type.STRING, "warning", ConfigDef.ValidString.in("warning", "critical"),
                    ConfigDef.Importance.LOW, GAP_SEVERITY_DOC, DETECTORS_GROUP, 3, ConfigDef.Width.SHORT, "Gap severity")
            .define(MAX_DEVICES_CONFIG, ConfigDef.Type.INT, 100_000, ConfigDef.Range.between(1, 50_000_000),
                    ConfigDef.Importance.MEDIUM, MAX_DEVICES_DOC, DETECTORS_GROUP, 4, ConfigDef.Width.SHORT, "Maximum devices in state")
            .define(DEVICE_ID_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.fieldPath(), ConfigDef.Importance.MEDIUM,
                    DEVICE_ID_FIELD_DOC,
                    READING_GROUP, 1, ConfigDef.Width.MEDIUM, "Device id field")
            .define(TIMESTAMP_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.fieldPath(), ConfigDef.Importance.MEDIUM,
                    TIMESTAMP_FIELD_DOC,
                    READING_GROUP, 2, ConfigDef.Width.MEDIUM, "Timestamp field")
            .define(TIMESTAMP_UNIT_CONFIG, ConfigDef.Type.STRING, "auto", ConfigDef.ValidString.in("auto", "ms", "s"), ConfigDef.Importance.LOW,
                    TIMESTAMP_UNIT_DOC, READING_GROUP, 3, ConfigDef.Width.SHORT, "Timestamp unit")
            .define(EPISODE_DEBOUNCE_CONFIG, ConfigDef.Type.STRING, "1/1", ConfigChecks.debounce(), ConfigDef.Importance.LOW,
                    EPISODE_DEBOUNCE_DOC, EPISODES_GROUP, 1, ConfigDef.Width.SHORT, "Debounce (k/n)")
            .define(EPISODE_CLEAR_AFTER_CONFIG, ConfigDef.Type.STRING, "1h", ConfigChecks.positiveDurationOrEmpty("for 1h"),
                    ConfigDef.Importance.MEDIUM, EPISODE_CLEAR_AFTER_DOC, EPISODES_GROUP, 2, ConfigDef.Width.SHORT, "Clear after")
            .define(EPISODE_COOLDOWN_CONFIG, ConfigDef.Type.STRING, "0", ConfigChecks.durationFromZero(),
                    ConfigDef.Importance.LOW, EPISODE_COOLDOWN_DOC, EPISODES_GROUP, 3, ConfigDef.Width.SHORT, "Cooldown")
            .define(OUTPUT_HEADERS_CONFIG, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW, OUTPUT_HEADERS_DOC,
                    OUTPUT_GROUP, 1, ConfigDef.Width.SHORT, "Anomaly headers")
            .define(OUTPUT_FIELD_CONFIG, ConfigDef.Type.STRING, "", ConfigChecks.topLevelField("anomaly"), ConfigDef.Importance.LOW,
                    OUTPUT_FIELD_DOC,
                    OUTPUT_GROUP, 2, ConfigDef.Width.MEDIUM, "Anomaly field");

    static final Schema RESULT_SCHEMA = SchemaBuilder.struct().name("io.iotconnect.anomaly.AnomalyResult").optional()
            .field("flagged", Schema.BOOLEAN_SCHEMA)
            .field("severity", Schema.OPTIONAL_STRING_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("reasons", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .build();

    private final RecordOperand part;
    private final Time time;
    private AnomalyDetector detector;
    private DeviceIdSource deviceIds;
    private FieldPath timestampField;
    private EpochUnit timestampUnit;
    private boolean headers;
    private StructExtender outputField;
    private final Counter checked = new Counter();
    private final Counter flagged = new Counter();
    private final Counter critical = new Counter();
    private final Counter withoutDevice = new Counter();
    private final Counter notReadings = new Counter();
    private final Counter unreadableTimestamps = new Counter();

    private FlagAnomaly(RecordOperand part, Time time) {
        this.part = part;
        this.time = time;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // Every key alone was checked by its validator while AbstractConfig parsed it, as in config/validate.
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        String spec = config.getString(DETECTORS_CONFIG);
        Duration gap = ConfigChecks.positiveDuration(config.getString(GAP_CONFIG), GAP_OFF);
        Severity gapSeverity = Severity.parse(config.getString(GAP_SEVERITY_CONFIG));
        int[] debounce = ConfigChecks.debounce(config.getString(EPISODE_DEBOUNCE_CONFIG));
        int raiseCount = debounce[0];
        int raiseWindow = debounce[1];
        Duration clearAfter = ConfigChecks.positiveDuration(config.getString(EPISODE_CLEAR_AFTER_CONFIG), "for 1h");
        AnomalyDetector.EpisodeRules episodes = new AnomalyDetector.EpisodeRules(raiseCount, raiseWindow,
                clearAfter == null ? Duration.ofHours(1) : clearAfter,
                ConfigChecks.durationFromZero(config.getString(EPISODE_COOLDOWN_CONFIG)));
        detector = new AnomalyDetector(RuleSpecParser.parse(spec), gap, gapSeverity, config.getInt(MAX_DEVICES_CONFIG), episodes);
        deviceIds = DeviceIdSource.of(config.getString(DEVICE_ID_FIELD_CONFIG));
        String timestamp = config.getString(TIMESTAMP_FIELD_CONFIG);
        timestampField = timestamp.isBlank() ? null : FieldPath.parse(timestamp);
        timestampUnit = EpochUnit.of(config.getString(TIMESTAMP_UNIT_CONFIG));
        headers = config.getBoolean(OUTPUT_HEADERS_CONFIG);
        String field = config.getString(OUTPUT_FIELD_CONFIG).trim();
        outputField = field.isEmpty() ? null : new StructExtender(field, RESULT_SCHEMA);
        // Checks across keys cannot run in config/validate (Connect validates a transformation's keys one by one), so
        // a combination that makes the transform useless is reported, not refused: start() refuses nothing that
        // validation passed.
        if (spec.isBlank() && gap == null) {
            log.warn("FlagAnomaly has no detector: neither {} nor {} is set, so no reading will be flagged; write at least "
                    + "one, like \"temperature: above(warning=35, critical=80)\"", DETECTORS_CONFIG, GAP_CONFIG);
        }
        if (!headers && outputField == null) {
            log.warn("FlagAnomaly writes its result nowhere: {}=false and {} is empty; set {} or keep the headers",
                    OUTPUT_HEADERS_CONFIG, OUTPUT_FIELD_CONFIG, OUTPUT_FIELD_CONFIG);
        }
    }

    @Override
    public void withPluginMetrics(PluginMetrics metrics) {
        new TransformMetrics(metrics)
                .count("records-checked-total", "Readings assessed by the detectors.", checked)
                .count("records-flagged-total", "Readings flagged as anomalous (warning or critical).", flagged)
                .count("records-flagged-critical-total", "Readings flagged critical.", critical)
                .count("records-without-device-total", "Readings without a device id; only stateless detectors ran.", withoutDevice)
                .count("records-not-readings-total", "Values that are not a Struct or Map (a bare number, string, array, "
                        + "bytes, or a source's error record): passed unchanged, not assessed.", notReadings)
                .count("records-timestamp-unreadable-total", "Readings whose timestamp.field held no readable time; they were "
                        + "assessed at their record timestamp.", unreadableTimestamps)
                .gauge("records-time-backwards-total", "Readings older than their device's newest one (late or reordered): "
                        + "assessed, but the stateful detectors neither forget nor move their clocks back for them.",
                        () -> detector.readingsBackwards())
                .gauge("records-time-repeated-total", "Readings at exactly their device's newest time (duplicates or a "
                        + "coarse clock).", () -> detector.readingsRepeated())
                .gauge("devices-tracked", "Devices whose state this task holds.", () -> detector.devicesTracked())
                .gauge("devices-evicted-total", "Devices forgotten because state.max.devices was reached.", () -> detector.devicesEvicted());
    }

    @Override
    public R apply(R record) {
        Object operand = part.value(record);
        if (operand == null) {
            return record;
        }
        if (!(operand instanceof Struct) && !(operand instanceof Map)) {
            // Nothing to assess: a bare number, string or array, or a source's error record. ValidateReading names it
            // invalid when it runs first; either way the record goes on unchanged.
            notReadings.increment();
            return record;
        }
        Object deviceId = deviceIds.stateKey(record.key(), operand);
        if (deviceId == null && detector.stateful()) {
            withoutDevice.increment();
        }
        Assessment result = detector.assess(deviceId, operand, readingTime(record, operand));
        checked.increment();
        if (result.flagged()) {
            flagged.increment();
            if (result.severity() == Severity.CRITICAL) {
                critical.increment();
            }
        }
        Headers updatedHeaders = record.headers();
        if (headers) {
            updatedHeaders = updatedHeaders.duplicate();
            updatedHeaders.addBoolean(AnomalyHeaders.ANOMALY, result.flagged());
            if (result.flagged()) {
                updatedHeaders.addString(AnomalyHeaders.SEVERITY, result.severity().word());
                updatedHeaders.addDouble(AnomalyHeaders.SCORE, rounded(result.score()));
                updatedHeaders.addString(AnomalyHeaders.REASONS, String.join(AnomalyHeaders.SEPARATOR, result.reasons()));
            }
            if (result.likelihood() > 0) {
                updatedHeaders.addDouble(AnomalyHeaders.LIKELIHOOD, result.likelihood());
            }
            if (result.episode() != Episode.NONE) {
                updatedHeaders.addString(AnomalyHeaders.EPISODE, result.episode().word());
                updatedHeaders.addLong(AnomalyHeaders.EPISODE_START, result.episodeStart());
                updatedHeaders.addDouble(AnomalyHeaders.EPISODE_PEAK, rounded(result.episodePeak()));
                updatedHeaders.addLong(AnomalyHeaders.EPISODE_READINGS, result.episodeReadings());
            }
        }
        if (outputField == null) {
            return part.with(record, part.schema(record), operand, updatedHeaders);
        }
        if (operand instanceof Struct struct) {
            Schema schema = outputField.schema(struct.schema());
            Struct value = new Struct(RESULT_SCHEMA)
                    .put("flagged", result.flagged())
                    .put("severity", result.flagged() ? result.severity().word() : null)
                    .put("score", result.score())
                    .put("reasons", List.copyOf(result.reasons()));
            return part.with(record, schema, outputField.extend(struct, schema, value), updatedHeaders);
        }
        Map<String, Object> value = new HashMap<>(8);
        value.put("flagged", result.flagged());
        value.put("severity", result.flagged() ? result.severity().word() : null);
        value.put("score", result.score());
        value.put("reasons", List.copyOf(result.reasons()));
        return part.with(record, null, outputField.extend((Map<?, ?>) operand, value), updatedHeaders);
    }

    /** Two decimals, without the saturation of Math.round past Long.MAX_VALUE / 100. */
    static double rounded(double score) {
        return Math.abs(score) < 1e12 ? Math.round(score * 100.0) / 100.0 : score;
    }

    private long readingTime(R record, Object operand) {
        if (timestampField != null) {
            Object value = timestampField.get(operand);
            if (value != null) {
                try {
                    return Values.epochMillis(value, timestampUnit);
                } catch (IllegalArgumentException e) {
                    // A device's broken clock field must not stop the pipeline: assess the reading at its record time,
                    // and count it (ValidateReading's 'timestamp' rule is the place to reject such readings).
                    unreadableTimestamps.increment();
                }
            }
        }
        Long timestamp = record.timestamp();
        return timestamp != null ? timestamp : time.milliseconds();
    }

    AnomalyDetector detector() {
        return detector;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.of(FlagAnomaly.class);
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.clear();
        }
    }

    /** Assesses the record key. */
    public static final class Key<R extends ConnectRecord<R>> extends FlagAnomaly<R> {
        public Key() {
            super(RecordOperand.KEY, Time.SYSTEM);
        }

        Key(Time time) {
            super(RecordOperand.KEY, time);
        }
    }

    /** Assesses the record value. */
    public static final class Value<R extends ConnectRecord<R>> extends FlagAnomaly<R> {
        public Value() {
            super(RecordOperand.VALUE, Time.SYSTEM);
        }

        Value(Time time) {
            super(RecordOperand.VALUE, time);
        }
    }
}
