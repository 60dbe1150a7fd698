package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * What the plans share: records mapped through {@link RecordOperations}, tombstones as deletes, and the writer they
 * send through. A plan says what a mapped value becomes ({@link #operation}) and how the batch is grouped.
 */
abstract class MappingPlan implements WritePlan {

    private final RecordOperations records;
    private final OperationWriter writer;

    MappingPlan(RecordOperations records, OperationWriter writer) {
        this.records = records;
        this.writer = writer;
    }

    @Override
    public final OperationWriter writer() {
        return writer;
    }

    /** The operation for a record with a value (not a tombstone); DataException when it cannot be made. */
    abstract Pending operation(RecordOperations.Mapped mapped);

    /** The record's operation, or null for a tombstone to ignore; DataException when it cannot be mapped. */
    final Pending pending(SinkRecord record) {
        RecordOperations.Mapped mapped = records.map(record);
        if (mapped == null) {
            return null;
        }
        return mapped.isDelete() ? Pending.bulk(mapped, OperationKind.DELETE) : operation(mapped);
    }

    /** Each record's operation in record order; a record that cannot be mapped goes to {@code failures} instead. */
    final void forEachPending(List<SinkRecord> batch, Failures failures, Consumer<Pending> action) {
        for (SinkRecord record : batch) {
            Pending pending;
            try {
                pending = pending(record);
            } catch (DataException e) {
                failures.unmappable(record, e);
                continue;
            }
            if (pending != null) {
                action.accept(pending);
            }
        }
    }
}
