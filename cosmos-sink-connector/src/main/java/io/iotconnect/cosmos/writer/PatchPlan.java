package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosPatchOperations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.PatchOperation;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.errors.DataException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a record's document into Cosmos DB patch operations: each named field gets its configured operation, every
 * other top-level field the default one. The id and the partition key fields are never patched. Cosmos DB takes at
 * most {@value #MAX_OPERATIONS} operations per patch request, so a longer patch is split into several requests.
 */
public final class PatchPlan {

    /** Cosmos DB's limit of operations in one patch request. */
    static final int MAX_OPERATIONS = 10;

    private final PatchOperation defaultOperation;
    /** The configured fields, with their paths split and written as JSON pointers once, not per record. */
    private final List<NamedField> fields = new ArrayList<>();
    private final Set<String> namedTopLevel = new HashSet<>();

    /**
     * A field of {@value io.iotconnect.cosmos.config.CosmosSinkConfig#PATCH_FIELDS_CONFIG}: its dotted name, path
     * segments, JSON pointer and operation.
     */
    private record NamedField(String name, String[] segments, String pointer, PatchOperation operation) {
    }

    public PatchPlan(PatchOperation defaultOperation, Map<String, PatchOperation> fields) {
        this.defaultOperation = defaultOperation;
        for (Map.Entry<String, PatchOperation> field : fields.entrySet()) {
            String[] segments = field.getKey().split("\\.");
            StringBuilder pointer = new StringBuilder();
            for (String segment : segments) {
                pointer.append('/').append(escape(segment));
            }
            this.fields.add(new NamedField(field.getKey(), segments, pointer.toString(), field.getValue()));
            namedTopLevel.add(segments[0]);
        }
    }

    /** Never patched: the id, and the fields holding the partition key values. */
    private static boolean isProtected(String topLevelField, PartitionKeys partitionKeys) {
        return topLevelField.equals("id") || partitionKeys.topLevelFields().contains(topLevelField);
    }

    /** One field operation: the JSON pointer path, what to do and the value. */
    record FieldOperation(String path, PatchOperation operation, JsonNode value) {
    }

    /** The operations for one document in a container partitioned by {@code partitionKeys}. */
    List<FieldOperation> operations(ObjectNode document, PartitionKeys partitionKeys) {
        List<FieldOperation> operations = new ArrayList<>();
        if (defaultOperation != PatchOperation.IGNORE) {
            Iterator<Map.Entry<String, JsonNode>> entries = document.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String name = entry.getKey();
                if (!isProtected(name, partitionKeys) && !namedTopLevel.contains(name)) {
                    operations.add(operation("/" + escape(name), defaultOperation, entry.getValue(), name));
                }
            }
        }
        for (NamedField field : fields) {
            if (field.operation() == PatchOperation.IGNORE || isProtected(field.segments()[0], partitionKeys)) {
                continue;
            }
            JsonNode value = document;
            for (String segment : field.segments()) {
                value = value == null ? null : value.get(segment);
            }
            if (value != null) {
                operations.add(operation(field.pointer(), field.operation(), value, field.name()));
            }
        }
        return operations;
    }

    /** The operations in requests of at most {@value #MAX_OPERATIONS}. */
    static List<CosmosPatchOperations> requests(List<FieldOperation> operations) {
        List<CosmosPatchOperations> requests = new ArrayList<>();
        for (int start = 0; start < operations.size(); start += MAX_OPERATIONS) {
            CosmosPatchOperations request = CosmosPatchOperations.create();
            for (FieldOperation operation : operations.subList(start, Math.min(operations.size(), start + MAX_OPERATIONS))) {
                add(request, operation);
            }
            requests.add(request);
        }
        return requests;
    }

    private static void add(CosmosPatchOperations request, FieldOperation operation) {
        JsonNode value = operation.value();
        switch (operation.operation()) {
            case SET -> request.set(operation.path(), value);
            case REPLACE -> request.replace(operation.path(), value);
            case APPEND -> request.add(operation.path() + "/-", value);
            case INCREMENT -> {
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    request.increment(operation.path(), value.longValue());
                } else {
                    request.increment(operation.path(), value.doubleValue());
                }
            }
            default -> throw new IllegalStateException("not a patch operation: " + operation.operation());
        }
    }

    private static FieldOperation operation(String path, PatchOperation operation, JsonNode value, String field) {
        if (operation == PatchOperation.INCREMENT && !value.isNumber()) {
            throw new DataException("field '" + field + "' is to be incremented (cosmos.patch.*) but its value is not a number: "
                    + (value.isTextual() ? "\"" + value.asText() + "\"" : value.getNodeType().toString().toLowerCase()));
        }
        return new FieldOperation(path, operation, value);
    }

    /** JSON pointer escaping of one path segment (RFC 6901). */
    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
