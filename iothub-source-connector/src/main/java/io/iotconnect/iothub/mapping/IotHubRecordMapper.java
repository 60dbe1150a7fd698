package io.iotconnect.iothub.mapping;

import io.iotconnect.common.json.JsonPayloadParser;
import io.iotconnect.common.json.JsonSchemaInference;
import io.iotconnect.common.json.MalformedPayloadException;
import io.iotconnect.common.json.ParsedJson;
import io.iotconnect.common.path.FieldPath;
import io.iotconnect.common.source.DeviceTimeWindow;
import io.iotconnect.common.source.HeaderLimits;
import io.iotconnect.common.source.RecordSizeLimit;
import io.iotconnect.iothub.client.IotHubEvent;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.config.TimestampSource;
import io.iotconnect.iothub.config.ValueFormat;
import io.iotconnect.iothub.mapping.MalformedEventException.Stage;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Turns an event into a Kafka Connect record: topic by message source, key = the IoT Hub device id (else the
 * partition key, else null), value in the configured format, timestamp = enqueued time or a payload field, metadata as
 * {@link EventHeaders}, and the event's {@link SourceOffsets}. An event that cannot be mapped raises
 * {@link MalformedEventException}; {@link #errorRecord} then makes the record that carries it, raw and bounded, to the
 * error topic, with the same offsets, so that it counts as read. What a device decides is bounded before it becomes a
 * record: a payload time (a {@link DeviceTimeWindow} around the connector's clock), the application properties
 * ({@link HeaderLimits}) and the record's size ({@link RecordSizeLimit}), so that no event makes a record the producer
 * refuses. One instance per task: not thread-safe.
 */
public final class IotHubRecordMapper {

    public static final String HEADER_ERROR_REASON = "iothub.error.reason";
    public static final String HEADER_ERROR_STAGE = "iothub.error.stage";
    public static final String HEADER_ERROR_POSITION = "iothub.error.position";
    public static final String HEADER_ERROR_CONNECTOR = "iothub.error.connector";
    public static final String HEADER_ERROR_PAYLOAD_BYTES = "iothub.error.payload.bytes";
    public static final String HEADER_ERROR_PAYLOAD_SHA256 = "iothub.error.payload.sha256";
    public static final String HEADER_ERROR_PAYLOAD_TRUNCATED = "iothub.error.payload.truncated";

    private final String eventHub;
    private final TopicRouter router;
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
    private final Map<String, Map<String, String>> sourcePartitions = new HashMap<>();

    public IotHubRecordMapper(IotHubSourceConfig config) {
        this(config, System::currentTimeMillis);
    }

    /** A mapper that reads the time from {@code clock}, for tests of the device time window. */
    IotHubRecordMapper(IotHubSourceConfig config, LongSupplier clock) {
        this.eventHub = config.eventHubName();
        this.router = new TopicRouter(config.topic(), config.topicsByMessageSource());
        this.valueFormat = config.valueFormat();
        this.jsonStruct = config.jsonStruct();
        this.jsonParser = new JsonPayloadParser(config.jsonLimits(), config.jsonNumberMode());
        this.schemaInference = new JsonSchemaInference(config.jsonSchema());
        this.timestampField = config.timestampSource() == TimestampSource.PAYLOAD_FIELD ? config.timestampField().orElse(null) : null;
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

    /** The record of an event, or {@link MalformedEventException} saying why there is none. */
    public SourceRecord toRecord(IotHubEvent event) {
        byte[] body = event.body();
        if (body.length > maxPayloadBytes) {
            throw malformed(event, Stage.VALUE, "body of " + body.length + " bytes exceeds "
                    + IotHubSourceConfig.VALUE_MAX_BYTES_CONFIG + "=" + maxPayloadBytes, null);
        }
        String topic = router.topic(event.messageSource());
        int propertiesKept = headersEnabled ? propertiesKept(event) : 0;
        if (headersEnabled && propertiesKept < event.properties().size()
                && headerLimits.overflow() == HeaderLimits.Overflow.ERROR_TOPIC) {
            throw malformed(event, Stage.HEADERS, headerLimits.reason("application properties", event.properties().entrySet()), null);
        }
        Schema valueSchema;
        Object value;
        Object jsonTree = null;
        switch (valueFormat) {
            case BYTES -> {
                valueSchema = Schema.BYTES_SCHEMA;
                value = body;
            }
            case STRING -> {
                valueSchema = Schema.STRING_SCHEMA;
                value = decodeUtf8(event);
            }
            case JSON -> {
                ParsedJson parsed;
                try {
                    parsed = jsonParser.parse(body, jsonStruct);
                } catch (MalformedPayloadException e) {
                    throw malformed(event, Stage.VALUE, "invalid JSON: " + e.reason(), e.position());
                }
                jsonTree = parsed.value();
                if (jsonTree == null) {
                    // A null value is a tombstone in Kafka: a device's literal null must not delete its state downstream.
                    throw malformed(event, Stage.VALUE, "body is JSON null, not a reading", null);
                }
                if (jsonStruct) {
                    SchemaAndValue converted;
                    try {
                        converted = schemaInference.toConnect(parsed, topic);
                    } catch (MalformedPayloadException e) {
                        throw malformed(event, Stage.VALUE, e.reason(), null);
                    }
                    valueSchema = converted.schema();
                    value = converted.value();
                } else {
                    valueSchema = null;
                    value = jsonTree;
                }
            }
            default -> throw new IllegalStateException("unknown value format " + valueFormat);
        }
        String key = key(event);
        Long timestamp = enqueuedMillis(event);
        long deviceTime = deviceTime(event, jsonTree);
        String replaced = null;
        if (deviceTime != NO_DEVICE_TIME) {
            replaced = timeWindow.outside(deviceTime, clock.getAsLong());
            if (replaced == null) {
                timestamp = deviceTime;
            } else if (timeWindow.action() == DeviceTimeWindow.OutOfRange.ERROR_TOPIC) {
                throw malformed(event, Stage.TIMESTAMP, "timestamp field '" + timestampField + "': " + replaced, null);
            }
        }
        ConnectHeaders headers = null;
        if (headersEnabled) {
            headers = EventHeaders.of(event, propertiesKept);
        }
        if (replaced != null) {
            // Said even without the metadata headers: the record's time is not the device's.
            headers = headers == null ? new ConnectHeaders() : headers;
            headers.addString(EventHeaders.TIMESTAMP_REPLACED, replaced);
        }
        String tooLarge = sizeLimit.check(key, valueSchema, value, body.length, headers);
        if (tooLarge != null) {
            throw malformed(event, Stage.SIZE, tooLarge, null);
        }
        return new SourceRecord(sourcePartition(event.partitionId()), SourceOffsets.offset(event.sequenceNumber()),
                topic, null, key == null ? null : Schema.STRING_SCHEMA, key, valueSchema, value, timestamp, headers);
    }

    /**
     * The record that carries a malformed event to the error topic: the raw body as bytes, cut at
     * {@value IotHubSourceConfig#ERROR_PAYLOAD_MAX_BYTES_CONFIG}, the device id as key, the reason, size and SHA-256
     * of the whole body and the event's metadata in headers, and the event's offsets.
     */
    public SourceRecord errorRecord(IotHubEvent event, MalformedEventException failure) {
        ConnectHeaders headers = EventHeaders.of(event, propertiesKept(event));
        headers.addString(HEADER_ERROR_REASON, failure.reason());
        headers.addString(HEADER_ERROR_STAGE, failure.stage().headerValue());
        if (failure.position() != null) {
            headers.addString(HEADER_ERROR_POSITION, failure.position());
        }
        headers.addString(HEADER_ERROR_CONNECTOR, connectorName);
        byte[] body = event.body();
        headers.addLong(HEADER_ERROR_PAYLOAD_BYTES, body.length);
        headers.addString(HEADER_ERROR_PAYLOAD_SHA256, sha256(body));
        if (body.length > maxErrorPayloadBytes) {
            headers.addBoolean(HEADER_ERROR_PAYLOAD_TRUNCATED, true);
            body = Arrays.copyOf(body, maxErrorPayloadBytes);
        }
        String key = key(event);
        return new SourceRecord(sourcePartition(event.partitionId()), SourceOffsets.offset(event.sequenceNumber()), errorTopic,
                null, key == null ? null : Schema.OPTIONAL_STRING_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA, body,
                enqueuedMillis(event), headers);
    }

    public String eventHub() {
        return eventHub;
    }

    private Map<String, String> sourcePartition(String partitionId) {
        return sourcePartitions.computeIfAbsent(partitionId, id -> SourceOffsets.partition(eventHub, id));
    }

    private static String key(IotHubEvent event) {
        String deviceId = event.deviceId();
        if (deviceId != null && !deviceId.isEmpty()) {
            return deviceId;
        }
        String partitionKey = event.partitionKey();
        return partitionKey == null || partitionKey.isEmpty() ? null : partitionKey;
    }

    /** How many of the event's application properties fit the header bounds. */
    private int propertiesKept(IotHubEvent event) {
        Map<String, Object> properties = event.properties();
        return properties.isEmpty() ? 0 : headerLimits.fitting(properties.entrySet());
    }

    /** No time in the payload: the record takes the enqueued time. */
    private static final long NO_DEVICE_TIME = Long.MIN_VALUE;

    /** The time the payload gives, or {@link #NO_DEVICE_TIME}. */
    private long deviceTime(IotHubEvent event, Object jsonTree) {
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
            throw malformed(event, Stage.TIMESTAMP, "timestamp field '" + timestampField + "': " + e.getMessage(), null);
        }
    }

    private static Long enqueuedMillis(IotHubEvent event) {
        return event.enqueuedTime() == null ? null : event.enqueuedTime().toEpochMilli();
    }

    private static String decodeUtf8(IotHubEvent event) {
        byte[] body = event.body();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw malformed(event, Stage.VALUE, "invalid UTF-8 (" + result.length() + " bad byte(s))", "byte " + in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static MalformedEventException malformed(IotHubEvent event, Stage stage, String reason, String position) {
        return new MalformedEventException(event.partitionId(), event.sequenceNumber(), stage, reason, position);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
