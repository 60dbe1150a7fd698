package io.iotconnect.common.source;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a record the producer would refuse from leaving a source task. A producer refuses a record larger than its
 * {@code max.request.size} with {@code RecordTooLargeException}, and Connect fails the task for it (unless
 * {@code errors.tolerance=all}, which drops it): the message is then never acknowledged, every restart fails on it
 * again, and no device's data gets through. So the task estimates each record's size first and routes one that would
 * not fit, with the reason.
 *
 * <p>The estimate is what Kafka's {@code JsonConverter} writes with {@code schemas.enable=true} (the value with its
 * schema), the largest of the converters in use; Avro and schemaless JSON write less. A cheap bound (three times the
 * payload, whose numbers may print longer, plus twice the schema, which bounds fields a topic-wide schema adds as null)
 * settles almost every record; only a record near the limit is measured field by field.
 */
public final class RecordSizeLimit {

    /** The connector key that sets the producer's request size for this connector's tasks. */
    public static final String MAX_REQUEST_SIZE_OVERRIDE = "producer.override.max.request.size";
    /** The producer's default {@code max.request.size}. */
    public static final long PRODUCER_DEFAULT = 1024 * 1024;
    /** The record batch header, the record's own varints and attributes, with room to spare. */
    private static final int RECORD_OVERHEAD = 128;
    /** Per header: its varints. */
    private static final int HEADER_OVERHEAD = 8;
    private static final int MAX_CACHED_SCHEMAS = 1000;

    private final long limit;
    private final Map<Schema, Long> schemaSizes = new IdentityHashMap<>();

    public RecordSizeLimit(long limit) {
        this.limit = limit;
    }

    /**
     * The limit a connector's tasks produce under: its {@value #MAX_REQUEST_SIZE_OVERRIDE}, else the producer's
     * default. A worker-wide {@code producer.max.request.size} is not visible to a task; set the override beside it.
     */
    public static RecordSizeLimit of(Map<String, String> connectorConfig) {
        String override = connectorConfig.get(MAX_REQUEST_SIZE_OVERRIDE);
        long limit = PRODUCER_DEFAULT;
        if (override != null && !override.isBlank()) {
            try {
                limit = Long.parseLong(override.trim());
            } catch (NumberFormatException e) {
                // Connect validates the override itself and refuses the connector; keep the default meanwhile.
            }
        }
        return new RecordSizeLimit(limit);
    }

    public long limit() {
        return limit;
    }

    /**
     * Why the record would be too large for the producer, or null when it fits.
     *
     * @param payloadBytes the size of the payload the value came from
     */
    public String check(String key, Schema valueSchema, Object value, long payloadBytes, Headers headers) {
        long schema = valueSchema == null ? 0 : schemaSize(valueSchema);
        // Three bytes per char bound any string's UTF-8, so the common case needs no walk over its characters.
        long keyBound = key == null ? 0 : 3L * key.length();
        if (RECORD_OVERHEAD + keyBound + headerBound(headers) + 3 * payloadBytes + 2 * schema + 32 <= limit) {
            return null;
        }
        long fixed = RECORD_OVERHEAD + (key == null ? 0 : HeaderLimits.utf8Length(key)) + headerBytes(headers);
        long size = fixed + schema + 32 + jsonSize(valueSchema, value);
        if (size <= limit) {
            return null;
        }
        return "the record would be about " + size + " bytes (its value as Kafka's JsonConverter writes it with its schema, "
                + "its key and its headers), more than the producer's max.request.size=" + limit + " ("
                + MAX_REQUEST_SIZE_OVERRIDE + " on the connector)";
    }

    /** At least {@link #headerBytes}, without reading a string's characters. */
    private static long headerBound(Headers headers) {
        if (headers == null) {
            return 0;
        }
        long bytes = 0;
        for (Header header : headers) {
            Object value = header.value();
            bytes += HEADER_OVERHEAD + 3L * header.key().length()
                    + (value instanceof String text ? 3L * text.length() : HeaderLimits.sizeOf("", value));
        }
        return bytes;
    }

    private static long headerBytes(Headers headers) {
        if (headers == null) {
            return 0;
        }
        long bytes = 0;
        for (Header header : headers) {
            bytes += HEADER_OVERHEAD + HeaderLimits.sizeOf(header.key(), header.value());
        }
        return bytes;
    }

    private long schemaSize(Schema schema) {
        Long cached = schemaSizes.get(schema);
        if (cached != null) {
            return cached;
        }
        long size = schemaJson(schema);
        if (schemaSizes.size() >= MAX_CACHED_SCHEMAS) {
            schemaSizes.clear();
        }
        schemaSizes.put(schema, size);
        return size;
    }

    /** The schema as JsonConverter writes it: type, optional, name, version, doc, parameters, and its parts. */
    static long schemaJson(Schema schema) {
        long size = 48;
        if (schema.name() != null) {
            size += 10 + quoted(schema.name());
        }
        if (schema.doc() != null) {
            size += 10 + quoted(schema.doc());
        }
        if (schema.version() != null) {
            size += 24;
        }
        if (schema.parameters() != null) {
            for (Map.Entry<String, String> parameter : schema.parameters().entrySet()) {
                size += 2 + quoted(parameter.getKey()) + quoted(parameter.getValue());
            }
        }
        if (schema.defaultValue() != null) {
            size += 12 + jsonSize(schema, schema.defaultValue());
        }
        switch (schema.type()) {
            case STRUCT -> {
                size += 12;
                for (Field field : schema.fields()) {
                    size += 12 + quoted(field.name()) + schemaJson(field.schema());
                }
            }
            case ARRAY -> size += 10 + schemaJson(schema.valueSchema());
            case MAP -> size += 20 + schemaJson(schema.keySchema()) + schemaJson(schema.valueSchema());
            default -> {
            }
        }
        return size;
    }

    /** The value as JSON: exact for what sources produce, an upper bound for the rest. */
    static long jsonSize(Schema schema, Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof Struct struct) {
            long size = 2;
            for (Field field : struct.schema().fields()) {
                size += 2 + quoted(field.name()) + jsonSize(field.schema(), struct.get(field));
            }
            return size;
        }
        if (value instanceof Map<?, ?> map) {
            long size = 2;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Schema keySchema = schema == null ? null : schema.keySchema();
                Schema valueSchema = schema == null ? null : schema.valueSchema();
                size += 2 + (entry.getKey() instanceof String name ? quoted(name) : 2 + jsonSize(keySchema, entry.getKey()))
                        + jsonSize(valueSchema, entry.getValue());
            }
            return size;
        }
        if (value instanceof List<?> list) {
            long size = 2;
            Schema elementSchema = schema == null ? null : schema.valueSchema();
            for (Object element : list) {
                size += 1 + jsonSize(elementSchema, element);
            }
            return size;
        }
        if (value instanceof String text) {
            return quoted(text);
        }
        if (value instanceof byte[] bytes) {
            return base64(bytes.length);
        }
        if (value instanceof ByteBuffer buffer) {
            return base64(buffer.remaining());
        }
        if (value instanceof Double || value instanceof Float) {
            return Double.toString(((Number) value).doubleValue()).length();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Long.toString(((Number) value).longValue()).length();
        }
        if (value instanceof Boolean flag) {
            return flag ? 4 : 5;
        }
        if (value instanceof java.util.Date) {
            return 20;
        }
        return 8 + quoted(value.toString());
    }

    private static long base64(long bytes) {
        return 2 + 4 * ((bytes + 2) / 3);
    }

    /**
     * A string in quotes as JSON writes it: UTF-8, with quotes, backslashes and control characters escaped, and, as
     * Kafka's JsonConverter writes them (measured), characters beyond the Basic Multilingual Plane as two
     * {@code \\uXXXX} escapes, six bytes per surrogate.
     */
    static long quoted(String text) {
        long size = 2 + HeaderLimits.utf8Length(text);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                size += 1;
            } else if (c < 0x20) {
                size += 5;
            } else if (Character.isSurrogate(c)) {
                size += 4;
            }
        }
        return size;
    }
}
