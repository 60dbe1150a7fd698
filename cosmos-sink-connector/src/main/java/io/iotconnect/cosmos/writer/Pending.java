package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosBulkOperations;
import com.azure.cosmos.models.CosmosItemOperation;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;

/**
 * One record's operation, immutable, made by a {@link WritePlan} and carried through every attempt (and through the
 * bulk call as its own context): which document, what kind of write, and what the writer needs for it.
 */
final class Pending {

    private final SinkRecord record;
    private final ContainerTarget target;
    private final String id;
    private final PartitionKey partitionKey;
    private final OperationKind kind;
    private final String documentKey;
    private final ObjectNode document;
    private final JsonNode version;
    private final List<PatchPlan.FieldOperation> patch;
    private final CosmosItemOperation operation;

    private Pending(RecordOperations.Mapped mapped, OperationKind kind, JsonNode version, List<PatchPlan.FieldOperation> patch) {
        this.record = mapped.record();
        this.target = mapped.target();
        this.id = mapped.id();
        this.partitionKey = mapped.partitionKey().key();
        this.kind = kind;
        this.documentKey = documentKey(target, mapped.partitionKey(), id);
        this.document = mapped.document();
        this.version = version;
        this.patch = patch;
        // The bulk operation carries this Pending as its context, so it is made last, from the finished fields.
        this.operation = switch (kind) {
            case UPSERT -> CosmosBulkOperations.getUpsertItemOperation(document, partitionKey, this);
            case CREATE -> CosmosBulkOperations.getCreateItemOperation(document, partitionKey, this);
            case REPLACE -> CosmosBulkOperations.getReplaceItemOperation(id, document, partitionKey, this);
            case DELETE -> CosmosBulkOperations.getDeleteItemOperation(id, partitionKey, this);
            default -> null;
        };
    }

    /** An upsert, create, replace or delete: a bulk operation. */
    static Pending bulk(RecordOperations.Mapped mapped, OperationKind kind) {
        return new Pending(mapped, kind, null, null);
    }

    /** An upsert-if-newer of a document whose version is {@code version}. */
    static Pending ifNewer(RecordOperations.Mapped mapped, JsonNode version) {
        return new Pending(mapped, OperationKind.UPSERT_IF_NEWER, version, null);
    }

    /** A patch of the document with {@code patch}. */
    static Pending patch(RecordOperations.Mapped mapped, List<PatchPlan.FieldOperation> patch) {
        return new Pending(mapped, OperationKind.PATCH, null, List.copyOf(patch));
    }

    /** Which document an operation is for: container, partition key and id, as a map key. */
    static String documentKey(ContainerTarget target, PartitionKeys.Value partitionKey, String id) {
        return target.name() + '\u0000' + partitionKey.text() + '\u0000' + id;
    }

    /** Which document the operation is for: container, partition key and id. */
    String documentKey() {
        return documentKey;
    }

    /** The document to write; null for a delete. */
    ObjectNode document() {
        return document;
    }

    /** With upsert-if-newer: the document's version. */
    JsonNode version() {
        return version;
    }

    /** With patch: the field operations. */
    List<PatchPlan.FieldOperation> patch() {
        return patch;
    }

    SinkRecord record() {
        return record;
    }

    ContainerTarget target() {
        return target;
    }

    String id() {
        return id;
    }

    PartitionKey partitionKey() {
        return partitionKey;
    }

    OperationKind kind() {
        return kind;
    }

    /** The bulk operation; null for upsert-if-newer and patch, which are point operations. */
    CosmosItemOperation operation() {
        return operation;
    }
}
