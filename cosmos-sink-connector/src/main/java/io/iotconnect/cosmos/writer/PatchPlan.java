package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosPatchOperations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.PatchOperation;
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
    private final Map<String, PatchOperation> fields;
    private final Set<String> namedTopLevel = new HashSet<>();
    /** Per container's partition key paths (a handful per task), so no record computes them again. */
    private final Map<List<String>, Set<String>> protectedByPaths = new java.util.concurrent.ConcurrentHashMap<>();

    public PatchPlan(PatchOperation defaultOperation, Map<String, PatchOperation> fields) {
        this.defaultOperation = defaultOperation;
        this.fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        for (String field : fields.keySet()) {
            namedTopLevel.add(field.split("\\.", 2)[0]);
        }
    }

    /** The top-level fields never patched in a container with these partition key paths: id and the keys' roots. */
    private static Set<String> protectedTopLevel(List<String> partitionKeyPaths) {
        Set<String> protectedTopLevel = new HashSet<>();
        protectedTopLevel.add("id");
        for (String path : partitionKeyPaths) {
            protectedTopLevel.add(path.substring(1).split("/", 2)[0]);
        }
        return protectedTopLevel;
    }

    /** One field operation: the JSON pointer path, what to do and the value. */
    record FieldOperation(String path, PatchOperation operation, JsonNode value) {
    }

    /** The operations for one document in a container partitioned by {@code partitionKeyPaths}. */
    List<FieldOperation> operations(ObjectNode document, List<String> partitionKeyPaths) {
        Set<String> protectedTopLevel = protectedByPaths.computeIfAbsent(partitionKeyPaths, PatchPlan::protectedTopLevel);
        List<FieldOperation> operations = new ArrayList<>();
        if (defaultOperation != PatchOperation.IGNORE) {
            Iterator<Map.Entry<String, JsonNode>> entries = document.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String name = entry.getKey();
                if (!protectedTopLevel.contains(name) && !namedTopLevel.contains(name)) {
                    operations.add(operation("/" + escape(name), defaultOperation, entry.getValue(), name));
                }
            }
        }
        for (Map.Entry<String, PatchOperation> field : fields.entrySet()) {
            if (field.getValue() == PatchOperation.IGNORE) {
                continue;
            }
            String[] segments = field.getKey().split("\\.");
            if (protectedTopLevel.contains(segments[0])) {
                continue;
            }
            JsonNode value = document;
            StringBuilder path = new StringBuilder();
            for (String segment : segments) {
                value = value == null ? null : value.get(segment);
                path.append('/').append(escape(segment));
            }
            if (value != null) {
                operations.add(operation(path.toString(), field.getValue(), value, field.getKey()));
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
