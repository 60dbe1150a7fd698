package io.iotconnect.cosmos.mapping;

import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.PartitionKeyBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.errors.DataException;

import java.util.List;

/** A container's partition key definition (one path, or two or three for a hierarchical key) and its values in documents. */
public final class PartitionKeys {

    private final List<String> paths;
    private final String[][] segments;

    public PartitionKeys(List<String> paths) {
        this.paths = List.copyOf(paths);
        this.segments = new String[paths.size()][];
        for (int i = 0; i < paths.size(); i++) {
            segments[i] = paths.get(i).substring(1).split("/");
        }
    }

    public List<String> paths() {
        return paths;
    }

    /** The partition key of a document; fails naming the path when a value is missing or not a plain value. */
    public PartitionKey of(ObjectNode document) {
        if (segments.length == 1) {
            return new PartitionKey(value(document, 0));
        }
        PartitionKeyBuilder builder = new PartitionKeyBuilder();
        for (int i = 0; i < segments.length; i++) {
            Object value = value(document, i);
            if (value instanceof String text) {
                builder.add(text);
            } else if (value instanceof Boolean bool) {
                builder.add(bool);
            } else {
                builder.add(((Number) value).doubleValue());
            }
        }
        return builder.build();
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
