package io.iotconnect.mqtt.mapping;

import io.iotconnect.common.config.DeviceInputConfigs;
import io.iotconnect.common.json.JsonPayloadParser;
import io.iotconnect.common.json.JsonSchemaInference;
import io.iotconnect.common.json.MalformedPayloadException;
import io.iotconnect.common.json.ParsedJson;
import io.iotconnect.common.path.FieldPath;
import io.iotconnect.common.source.DeviceTimeWindow;
import io.iotconnect.common.source.HeaderLimits;
import io.iotconnect.common.source.RecordSizeLimit;
import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import io.iotconnect.mqtt.config.KeySource;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.mqtt.config.ValueFormat;
import io.iotconnect.mqtt.mapping.MalformedMessageException.Stage;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Turns an MQTT message into a Kafka Connect record: Kafka topic from the template, key (device id) from a topic
 * level or a payload field, value in the configured format, timestamp from a payload field, MQTT metadata as headers.
 * A message that cannot be mapped raises {@link MalformedMessageException}; {@link #errorRecord} then makes the record
 * that carries it, raw, to the error topic. What a device decides is bounded before it becomes a record: the Kafka
 * topic ({@link KafkaTopicGuard}), the time (a {@link DeviceTimeWindow} around the connector's clock), the user
 * properties ({@link HeaderLimits}) and the record's size ({@link RecordSizeLimit}), so that no message makes a record
 * the producer refuses. One instance per task: not thread-safe.
 */
public final class MqttRecordMapper {

    public static final String HEADER_TOPIC = "mqtt.topic";
    public static final String HEADER_QOS = "mqtt.qos";
    public static final String HEADER_RETAINED = "mqtt.retained";
    public static final String HEADER_DUPLICATE = "mqtt.duplicate";
    public static final String HEADER_MESSAGE_ID = "mqtt.message.id";
    public static final String HEADER_CONTENT_TYPE = "mqtt.content.type";
    public static final String HEADER_USER_PREFIX = "mqtt.user.";
    public static final String HEADER_TIMESTAMP_REPLACED = "mqtt." + DeviceInputConfigs.TIMESTAMP_REPLACED_HEADER;
    public static final String HEADER_HEADERS_TRUNCATED = "mqtt." + DeviceInputConfigs.HEADERS_TRUNCATED_HEADER;
    public static final String HEADER_ERROR_REASON = "mqtt.error.reason";
    public static final String HEADER_ERROR_STAGE = "mqtt.error.stage";
    public static final String HEADER_ERROR_POSITION = "mqtt.error.position";
    public static final String HEADER_ERROR_CONNECTOR = "mqtt.error.connector";
    public static final String HEADER_ERROR_PAYLOAD_BYTES = "mqtt.error.payload.bytes";
    public static final String HEADER_ERROR_PAYLOAD_SHA256 = "mqtt.error.payload.sha256";
    public static final String HEADER_ERROR_PAYLOAD_TRUNCATED = "mqtt.error.payload.truncated";

    private final KafkaTopicTemplate topicTemplate;
    private final KafkaTopicGuard topicGuard;
    private final KeySource keySource;
    private final int keyTopicLevel;
    private final FieldPath keyField;
    private final int keyMaxLength;
    private final ValueFormat valueFormat;
    private final boolean jsonStruct;
    private final JsonPayloadParser jsonParser;
    private final JsonSchemaInference schemaInference;
    private final FieldPath timestampField;
    private final TimestampParser timestampParser;
    private final DeviceTimeWindow timeWindow;
    private final LongSupplier clock;
    private final boolean headersEnabled;
    private final HeaderLimits headerLimits;
    private final RecordSizeLimit sizeLimit;
    private final int maxPayloadBytes;
    private final int maxErrorPayloadBytes;
    private final String errorTopic;
    private final String connectorName;

    public MqttRecordMapper(MqttSourceConnectorConfig config) {
        this(config, System::currentTimeMillis);
    }

    /** A mapper that reads the time from {@code clock}, for tests of the device time window. */
    MqttRecordMapper(MqttSourceConnectorConfig config, LongSupplier clock) {
        this.topicTemplate = config.kafkaTopic();
        this.topicGuard = topicTemplate.isFixed() ? null : new KafkaTopicGuard(config.kafkaTopicAllowPattern().orElse(null),
                MqttSourceConnectorConfig.KAFKA_TOPIC_ALLOW_PATTERN_CONFIG, config.errorTopic(), config.kafkaTopicMaxDistinct(),
                MqttSourceConnectorConfig.KAFKA_TOPIC_MAX_DISTINCT_CONFIG);
        this.keySource = config.keySource();
        this.keyTopicLevel = config.keyTopicLevel();
        this.keyField = config.keyField().orElse(null);
        this.keyMaxLength = config.keyMaxLength();
        this.valueFormat = config.valueFormat();
        this.jsonStruct = config.jsonStruct();
        this.jsonParser = new JsonPayloadParser(config.jsonLimits(), config.jsonNumberMode());
        this.schemaInference = new JsonSchemaInference(config.jsonSchema());
        this.timestampField = config.timestampField().orElse(null);
        this.timestampParser = new TimestampParser(config.timestampFormat());
        this.timeWindow = config.timeWindow();
        this.clock = clock;
        this.headersEnabled = config.headersEnabled();
        this.headerLimits = config.headerLimits();
        this.sizeLimit = RecordSizeLimit.of(config.originalsStrings());
        this.maxPayloadBytes = config.valueMaxBytes();
        this.maxErrorPayloadBytes = config.errorPayloadMaxBytes();
        this.errorTopic = config.errorTopic();
        this.connectorName = config.connectorName();
    }

    /** The record for a message, or {@link MalformedMessageException} saying why there is none. */
    public MqttSourceRecord toRecord(MqttMessageEnvelope message) {
        String mqttTopic = message.topic();
        String kafkaTopic;
        try {
            kafkaTopic = topicTemplate.resolve(mqttTopic);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(mqttTopic, Stage.TOPIC, e.getMessage(), null);
        }
        if (topicGuard != null) {
            String refusal = topicGuard.refusal(kafkaTopic);
            if (refusal != null) {
                throw new MalformedMessageException(mqttTopic, Stage.TOPIC, refusal, null);
            }
        }
        int propertiesKept = headersEnabled ? propertiesKept(message) : 0;
        if (headersEnabled && propertiesKept < message.userProperties().size()
                && headerLimits.overflow() == HeaderLimits.Overflow.ERROR_TOPIC) {
            throw new MalformedMessageException(mqttTopic, Stage.HEADERS,
                    headerLimits.reason("user properties", message.userProperties()), null);
        }

        Schema valueSchema;
        Object value;
        Object jsonTree = null;
        byte[] payload = message.payload();
        if (payload.length > maxPayloadBytes) {
            throw new MalformedMessageException(mqttTopic, Stage.VALUE,
                    "payload of " + payload.length + " bytes exceeds " + MqttSourceConnectorConfig.VALUE_MAX_BYTES_CONFIG + "="
                            + maxPayloadBytes, null);
        }
        switch (valueFormat) {
            case BYTES:
                valueSchema = Schema.BYTES_SCHEMA;
                value = payload;
                break;
            case STRING:
                valueSchema = Schema.STRING_SCHEMA;
                value = decodeUtf8(mqttTopic, payload);
                break;
            case JSON: {
                ParsedJson parsed;
                try {
                    parsed = jsonParser.parse(payload, jsonStruct);
                } catch (MalformedPayloadException e) {
                    throw new MalformedMessageException(mqttTopic, Stage.VALUE, "invalid JSON: " + e.reason(), e.position());
                }
                jsonTree = parsed.value();
                if (jsonTree == null) {
                    // Kafka reads a null value as a tombstone: a device's literal null must not delete its state downstream.
                    throw new MalformedMessageException(mqttTopic, Stage.VALUE, "payload is JSON null, not a reading", null);
                }
                if (jsonStruct) {
                    SchemaAndValue converted;
                    try {
                        converted = schemaInference.toConnect(parsed, kafkaTopic);
                    } catch (MalformedPayloadException e) {
                        throw new MalformedMessageException(mqttTopic, Stage.VALUE, e.reason(), null);
                    }
                    valueSchema = converted.schema();
                    value = converted.value();
                } else {
                    valueSchema = null;
                    value = jsonTree;
                }
                break;
            }
            default:
                throw new IllegalStateException("unknown value format " + valueFormat);
        }

        String key = key(message, jsonTree);
        if (key != null && key.length() > keyMaxLength) {
            throw new MalformedMessageException(mqttTopic, Stage.KEY, "device id of " + key.length() + " characters exceeds "
                    + MqttSourceConnectorConfig.KEY_MAX_LENGTH_CONFIG + "=" + keyMaxLength, null);
        }
        long deviceTime = deviceTime(message, jsonTree);
        long timestamp = deviceTime;
        String replaced = null;
        if (deviceTime != NO_DEVICE_TIME) {
            replaced = timeWindow.outside(deviceTime, clock.getAsLong());
            if (replaced != null && timeWindow.action() == DeviceTimeWindow.OutOfRange.ERROR_TOPIC) {
                throw new MalformedMessageException(mqttTopic, Stage.TIMESTAMP, "timestamp field '" + timestampField + "': "
                        + replaced, null);
            }
        }
        if (deviceTime == NO_DEVICE_TIME || replaced != null) {
            timestamp = message.arrivalMillis();
        }
        ConnectHeaders headers = null;
        if (headersEnabled) {
            headers = metadataHeaders(message, propertiesKept);
            if (replaced != null) {
                headers.addString(HEADER_TIMESTAMP_REPLACED, replaced);
            }
        } else if (replaced != null) {
            // Said even without the metadata headers: the record's time is not the device's.
            headers = new ConnectHeaders();
            headers.addString(HEADER_TIMESTAMP_REPLACED, replaced);
        }
        String tooLarge = sizeLimit.check(key, valueSchema, value, payload.length, headers);
        if (tooLarge != null) {
            throw new MalformedMessageException(mqttTopic, Stage.SIZE, tooLarge, null);
        }
        return new MqttSourceRecord(message, kafkaTopic, key == null ? null : Schema.STRING_SCHEMA, key,
                valueSchema, value, timestamp, headers);
    }

    /**
     * The record that carries a malformed message to the error topic: the raw payload as bytes, cut at
     * {@value MqttSourceConnectorConfig#ERROR_PAYLOAD_MAX_BYTES_CONFIG} so the record is never too large to produce,
     * the device id as key when the topic
     * gives one, and in headers the reason and the whole payload's size and SHA-256 digest.
     */
    public MqttSourceRecord errorRecord(MqttMessageEnvelope message, MalformedMessageException failure) {
        ConnectHeaders headers = metadataHeaders(message, propertiesKept(message));
        headers.addString(HEADER_ERROR_REASON, failure.reason());
        headers.addString(HEADER_ERROR_STAGE, failure.stage().headerValue());
        if (failure.position() != null) {
            headers.addString(HEADER_ERROR_POSITION, failure.position());
        }
        headers.addString(HEADER_ERROR_CONNECTOR, connectorName);
        byte[] payload = message.payload();
        headers.addLong(HEADER_ERROR_PAYLOAD_BYTES, payload.length);
        headers.addString(HEADER_ERROR_PAYLOAD_SHA256, sha256(payload));
        if (payload.length > maxErrorPayloadBytes) {
            headers.addBoolean(HEADER_ERROR_PAYLOAD_TRUNCATED, true);
            payload = Arrays.copyOf(payload, maxErrorPayloadBytes);
        }
        String key = null;
        if (keySource == KeySource.TOPIC_LEVEL) {
            key = topicLevel(message.topic()).filter(level -> level.length() <= keyMaxLength).orElse(null);
        }
        return new MqttSourceRecord(message, errorTopic, key == null ? null : Schema.OPTIONAL_STRING_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, payload, message.arrivalMillis(), headers);
    }

    /** Number of payload shapes with a cached schema. */
    public long cachedSchemas() {
        return schemaInference.cachedShapes();
    }

    private String key(MqttMessageEnvelope message, Object jsonTree) {
        switch (keySource) {
            case NONE:
                return null;
            case TOPIC_LEVEL:
                return topicLevel(message.topic()).orElseThrow(() -> new MalformedMessageException(message.topic(), Stage.KEY,
                        "MQTT topic has no non-empty level " + keyTopicLevel + " for the device id ("
                                + MqttSourceConnectorConfig.KEY_TOPIC_LEVEL_CONFIG + ")", null));
            case PAYLOAD_FIELD: {
                Object id = keyField.get(jsonTree);
                if (id instanceof String text && !text.isEmpty()) {
                    return text;
                }
                if (id instanceof Long || id instanceof Integer) {
                    return id.toString();
                }
                if (id instanceof Double d && Double.isFinite(d)) {
                    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
                }
                throw new MalformedMessageException(message.topic(), Stage.KEY, id == null
                        ? "device id field '" + keyField + "' is missing or null (" + MqttSourceConnectorConfig.KEY_FIELD_CONFIG + ")"
                        : "device id field '" + keyField + "' must be a non-empty string or a number, got " + describe(id), null);
            }
            default:
                throw new IllegalStateException("unknown key source " + keySource);
        }
    }

    private Optional<String> topicLevel(String topic) {
        String[] levels = topic.split("/", -1);
        int position = keyTopicLevel > 0 ? keyTopicLevel - 1 : levels.length + keyTopicLevel;
        if (position < 0 || position >= levels.length || levels[position].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(levels[position]);
    }

    /** No time in the payload: the record takes the arrival time. */
    private static final long NO_DEVICE_TIME = Long.MIN_VALUE;

    /** The time the payload gives, or {@link #NO_DEVICE_TIME}. */
    private long deviceTime(MqttMessageEnvelope message, Object jsonTree) {
        if (timestampField == null) {
            return NO_DEVICE_TIME;
        }
        Object raw = timestampField.get(jsonTree);
        if (raw == null) {
            return NO_DEVICE_TIME;
        }
        try {
            return timestampParser.toEpochMillis(raw);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(message.topic(), Stage.TIMESTAMP,
                    "timestamp field '" + timestampField + "': " + e.getMessage(), null);
        }
    }

    /** How many of the message's user properties fit the header bounds. */
    private int propertiesKept(MqttMessageEnvelope message) {
        List<Map.Entry<String, String>> properties = message.userProperties();
        return properties.isEmpty() ? 0 : headerLimits.fitting(properties);
    }

    /** The MQTT metadata, with the first {@code propertiesKept} user properties and, if any were left out, how many. */
    private static ConnectHeaders metadataHeaders(MqttMessageEnvelope message, int propertiesKept) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_TOPIC, message.topic());
        headers.addInt(HEADER_QOS, message.qos());
        headers.addBoolean(HEADER_RETAINED, message.retained());
        headers.addBoolean(HEADER_DUPLICATE, message.duplicate());
        headers.addInt(HEADER_MESSAGE_ID, message.messageId());
        if (message.contentType() != null) {
            headers.addString(HEADER_CONTENT_TYPE, message.contentType());
        }
        List<Map.Entry<String, String>> properties = message.userProperties();
        for (int i = 0; i < propertiesKept; i++) {
            Map.Entry<String, String> property = properties.get(i);
            headers.addString(HEADER_USER_PREFIX + property.getKey(), property.getValue());
        }
        if (propertiesKept < properties.size()) {
            headers.addInt(HEADER_HEADERS_TRUNCATED, properties.size() - propertiesKept);
        }
        return headers;
    }

    private static String decodeUtf8(String mqttTopic, byte[] payload) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharBuffer out = CharBuffer.allocate(payload.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new MalformedMessageException(mqttTopic, Stage.VALUE, "invalid UTF-8 (" + result.length() + " bad byte(s))",
                    "byte " + in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static String sha256(byte[] payload) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String describe(Object value) {
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + value;
    }
}
