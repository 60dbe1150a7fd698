package io.iotconnect.cosmos.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.common.json.JsonSchemaInference;
import io.iotconnect.cosmos.config.DocumentFieldNames;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * Turns record values ({@link Struct} with a schema, a schemaless {@link Map}, or the text of a JSON object as a string
 * or UTF-8 bytes) into JSON documents. Connect's logical
 * types become what people querying Cosmos DB expect: Timestamp an ISO-8601 instant in UTC, Date {@code yyyy-MM-dd},
 * Time {@code HH:mm:ss.SSS}, Decimal a JSON number; bytes become base64.
 */
public final class DocumentMapper {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Parses JSON object text with the same number nodes as mapped values get; text after the object is an error. */
    private static final ObjectMapper OBJECT_TEXT = JsonMapper.builder().nodeFactory(NODES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final String headersProperty;
    private final boolean jsonNames;

    /** Documents with the JSON keys the sources recorded ({@link DocumentFieldNames#JSON}). */
    public DocumentMapper(String headersProperty) {
        this(headersProperty, DocumentFieldNames.JSON);
    }

    /** @param headersProperty property to keep the Kafka headers under, or empty for none */
    public DocumentMapper(String headersProperty, DocumentFieldNames fieldNames) {
        this.headersProperty = headersProperty == null ? "" : headersProperty;
        this.jsonNames = fieldNames == DocumentFieldNames.JSON;
    }

    /** The document for a record's value; the caller sets the id. */
    public ObjectNode document(SinkRecord record) {
        JsonNode node = objectText(record.value(), record.valueSchema());
        if (node == null) {
            node = toJson(record.value(), record.valueSchema(), jsonNames);
        }
        if (!(node instanceof ObjectNode document)) {
            throw new DataException("value is " + (node == null ? "null" : node.getNodeType().name().toLowerCase())
                    + ", not an object: a Cosmos DB document must be a JSON object; use a Struct or Map value (a JSON "
                    + "converter with an object payload), or the text of a JSON object (StringConverter or "
                    + "ByteArrayConverter)");
        }
        if (!headersProperty.isEmpty() && !record.headers().isEmpty()) {
            ObjectNode headers = document.putObject(headersProperty);
            for (Header header : record.headers()) {
                headers.set(header.key(), toJson(header.value(), header.schema()));
            }
        }
        return document;
    }

    /**
     * A value that is the text of a JSON object (a string, or UTF-8 bytes, as StringConverter and ByteArrayConverter
     * hand them over) parsed straight into a document; null for any other value, which {@link #toJson} maps.
     */
    private static ObjectNode objectText(Object value, Schema schema) {
        if (schema != null && (schema.name() != null || (schema.type() != Schema.Type.STRING && schema.type() != Schema.Type.BYTES))) {
            return null;
        }
        try {
            if (value instanceof String text && startsAnObject(text)) {
                return (ObjectNode) OBJECT_TEXT.readTree(text);
            }
            if (value instanceof byte[] bytes && startsAnObject(bytes)) {
                return (ObjectNode) OBJECT_TEXT.readTree(bytes);
            }
        } catch (JsonProcessingException e) {
            throw new DataException("value is text that starts a JSON object but is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DataException("value is text that starts a JSON object but cannot be read: " + e.getMessage(), e);
        }
        return null;
    }

    private static boolean startsAnObject(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    private static boolean startsAnObject(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }

    /** Any Connect value as JSON, a struct's renamed fields under their JSON keys. */
    public static JsonNode toJson(Object value, Schema schema) {
        return toJson(value, schema, true);
    }

    /** @param jsonNames whether a struct's fields take the JSON key a source recorded for them, where there is one */
    static JsonNode toJson(Object value, Schema schema, boolean jsonNames) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (schema != null && schema.name() != null) {
            switch (schema.name()) {
                case Timestamp.LOGICAL_NAME:
                    return NODES.textNode(Instant.ofEpochMilli(((java.util.Date) value).getTime()).toString());
                case Date.LOGICAL_NAME:
                    return NODES.textNode(Instant.ofEpochMilli(((java.util.Date) value).getTime()).atOffset(ZoneOffset.UTC)
                            .toLocalDate().toString());
                case Time.LOGICAL_NAME:
                    return NODES.textNode(LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() * 1_000_000L).toString());
                case Decimal.LOGICAL_NAME:
                    return NODES.numberNode((BigDecimal) value);
                default:
                    break;
            }
        }
        if (value instanceof Struct struct) {
            ObjectNode object = NODES.objectNode();
            Schema structSchema = struct.schema();
            // Only structs whose source renamed a field carry the parameters; the rest cost no lookup.
            boolean renamed = jsonNames && structSchema.parameters() != null;
            for (Field field : structSchema.fields()) {
                String name = renamed ? JsonSchemaInference.jsonName(structSchema, field.name()) : field.name();
                object.set(name, toJson(struct.get(field), field.schema(), jsonNames));
            }
            return object;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            Schema valueSchema = schema != null && schema.type() == Schema.Type.MAP ? schema.valueSchema() : null;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                object.set(String.valueOf(entry.getKey()), toJson(entry.getValue(), valueSchema, jsonNames));
            }
            return object;
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            Schema elementSchema = schema != null && schema.type() == Schema.Type.ARRAY ? schema.valueSchema() : null;
            for (Object element : list) {
                array.add(toJson(element, elementSchema, jsonNames));
            }
            return array;
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Double d) {
            return finite(d) ? NODES.numberNode(d) : NODES.nullNode();
        }
        if (value instanceof Float f) {
            return finite(f) ? NODES.numberNode(f) : NODES.nullNode();
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Short s) {
            return NODES.numberNode(s);
        }
        if (value instanceof Byte b) {
            return NODES.numberNode(b);
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.numberNode(decimal);
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof java.util.Date date) {
            return NODES.textNode(Instant.ofEpochMilli(date.getTime()).toString());
        }
        return NODES.textNode(value.toString());
    }

    // JSON has no NaN or infinities; Cosmos DB rejects them. A sensor's NaN becomes null, which queries can find.
    private static boolean finite(double value) {
        return Double.isFinite(value);
    }
}
