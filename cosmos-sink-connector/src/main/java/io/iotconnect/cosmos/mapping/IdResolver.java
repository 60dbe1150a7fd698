package io.iotconnect.cosmos.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.IdStrategy;
import io.iotconnect.cosmos.config.IdTemplate;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Makes a document id by the configured strategy, sanitised for Cosmos DB. */
public final class IdResolver {

    /** Cosmos DB ids are at most 1,023 characters. */
    static final int MAX_LENGTH = 1023;

    private final IdStrategy strategy;
    private final String[] fieldPath;
    private final List<IdTemplate.Part> template;
    private final List<String[]> templateFields;

    /**
     * @param field with {@link IdStrategy#FIELD}: the value field holding the id (dots for nesting)
     * @param template with {@link IdStrategy#TEMPLATE}: the parsed template
     */
    public IdResolver(IdStrategy strategy, String field, IdTemplate template) {
        this.strategy = strategy;
        this.fieldPath = field.trim().split("\\.");
        this.template = template.parts();
        this.templateFields = new ArrayList<>(this.template.size());
        for (IdTemplate.Part part : this.template) {
            templateFields.add(part.field() == null ? null : part.field().toArray(new String[0]));
        }
    }

    /** The id of a record's document (not for tombstones: see {@link #idFromKey}). */
    public String id(SinkRecord record, ObjectNode document) {
        String raw;
        switch (strategy) {
            case KAFKA_COORDINATES:
                raw = record.topic() + "-" + record.kafkaPartition() + "-" + record.kafkaOffset();
                break;
            case KEY:
                raw = idFromKey(record);
                break;
            case FIELD:
                raw = text(lookup(document, fieldPath), "field '" + String.join(".", fieldPath) + "'");
                break;
            default:
                raw = fromTemplate(record, document);
        }
        return sanitise(raw);
    }

    /** The id a record key names: a plain key itself, or the 'id' of a Struct or Map key. */
    public static String idFromKey(SinkRecord record) {
        Object key = record.key();
        if (key instanceof Struct struct) {
            key = struct.schema().field("id") == null ? null : struct.get("id");
        } else if (key instanceof Map<?, ?> map) {
            key = map.get("id");
        }
        if (key == null) {
            throw new DataException("the record has no key to take the document id from (a plain key, or an 'id' field of "
                    + "a struct or map key)");
        }
        return sanitise(key.toString());
    }

    private String fromTemplate(SinkRecord record, ObjectNode document) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < template.size(); i++) {
            IdTemplate.Part part = template.get(i);
            if (part.source() == null) {
                id.append(part.literal());
                continue;
            }
            switch (part.source()) {
                case TOPIC -> id.append(record.topic());
                case PARTITION -> id.append(record.kafkaPartition());
                case OFFSET -> id.append(record.kafkaOffset());
                case KEY -> id.append(idFromKey(record));
                default -> id.append(text(lookup(document, templateFields.get(i)),
                        "template field '" + String.join(".", part.field()) + "'"));
            }
        }
        return id.toString();
    }

    private static JsonNode lookup(JsonNode document, String[] path) {
        JsonNode node = document;
        for (String segment : path) {
            node = node == null ? null : node.get(segment);
        }
        return node;
    }

    private static String text(JsonNode node, String what) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            throw new DataException(what + " is missing, null or not a plain value, so the document has no id");
        }
        return node.asText();
    }

    /** Replaces what Cosmos DB forbids in ids ({@code / \ ? #}) with '_'; fails on empty or too long ids. */
    public static String sanitise(String id) {
        StringBuilder clean = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\' || c == '?' || c == '#') {
                if (clean == null) {
                    clean = new StringBuilder(id);
                }
                clean.setCharAt(i, '_');
            }
        }
        String result = clean == null ? id : clean.toString();
        if (result.isEmpty()) {
            throw new DataException("the document id is empty");
        }
        if (result.length() > MAX_LENGTH) {
            throw new DataException("the document id has " + result.length() + " characters; Cosmos DB allows " + MAX_LENGTH);
        }
        return result;
    }
}
