package io.iotconnect.cosmos.mapping;

import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.PartitionKeyBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.errors.DataException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A container's partition key definition (one path, or two or three for a hierarchical key) and its values in documents. */
public final class PartitionKeys {

    private final List<String> paths;
    private final String[][] segments;
    private final Set<String> topLevelFields;

    public PartitionKeys(List<String> paths) {
        this.paths = List.copyOf(paths);
        this.segments = new String[paths.size()][];
        Set<String> roots = new HashSet<>();
        for (int i = 0; i < paths.size(); i++) {
            segments[i] = paths.get(i).substring(1).split("/");
            roots.add(segments[i][0]);
        }
        this.topLevelFields = Set.copyOf(roots);
    }

    public List<String> paths() {
        return paths;
    }

    /** The top-level fields of a document that hold its partition key values (the first segment of each path). */
    public Set<String> topLevelFields() {
        return topLevelFields;
    }

    /**
     * A document's partition key, with a text that tells keys apart for map keys: {@link PartitionKey} overrides
     * equals but not hashCode, and its toString() writes JSON through an ObjectMapper, too much for every record.
     * Numbers are compared as Cosmos DB compares them, as doubles (5 and 5.0 are one key).
     */
    public record Value(PartitionKey key, String text) {
    }

    /** The partition key of a document; fails naming the path when a value is missing or not a plain value. */
    public PartitionKey of(ObjectNode document) {
        return valueOf(document).key();
    }

    /** The partition key of a document and its text; fails naming the path when a value is missing or not plain. */
    public Value valueOf(ObjectNode document) {
        StringBuilder text = new StringBuilder();
        if (segments.length == 1) {
            Object value = value(document, 0);
            return new Value(new PartitionKey(value), append(text, value).toString());
        }
        PartitionKeyBuilder builder = new PartitionKeyBuilder();
        for (int i = 0; i < segments.length; i++) {
            Object value = value(document, i);
            append(text, value);
            if (value instanceof String string) {
                builder.add(string);
            } else if (value instanceof Boolean bool) {
                builder.add(bool);
            } else {
                builder.add(((Number) value).doubleValue());
            }
        }
        return new Value(builder.build(), text.toString());
    }

    /** One component: a type letter, then strings with their length (no separator can be forged), numbers as doubles. */
    private static StringBuilder append(StringBuilder text, Object value) {
        if (value instanceof String string) {
            return text.append('s').append(string.length()).append(':').append(string);
        }
        if (value instanceof Boolean bool) {
            return text.append(bool ? "b1;" : "b0;");
        }
        return text.append('n').append(((Number) value).doubleValue()).append(';');
    }

    private Object value(ObjectNode document, int index) {
        JsonNode node = document;
        for (String segment : segments[index]) {
            node = node == null ? null : node.get(segment);
        }
        if (node == null || node.isNull() || node.isContainerNode()) {
            throw new DataException("the document has no value at partition key path " + paths.get(index));
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.isIntegralNumber() ? (Object) node.asLong() : (Object) node.asDouble();
    }
}
