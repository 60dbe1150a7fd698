package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Patch, with tombstones as deletes: every record counts (increments add up), so all are kept, in record order, and
 * the writer applies them to each document in that order.
 */
final class InOrderPlan implements WritePlan {

    private final RecordOperations records;
    private final OperationWriter writer;
    private final PatchPlan patchPlan;

    InOrderPlan(RecordOperations records, OperationWriter writer, PatchPlan patchPlan) {
        this.records = records;
        this.writer = writer;
        this.patchPlan = patchPlan;
    }

    @Override
    public OperationWriter writer() {
        return writer;
    }

    @Override
    public List<Attempt> firstAttempt(List<SinkRecord> batch, Failures failures) {
        List<Pending> all = new ArrayList<>(batch.size());
        for (SinkRecord record : batch) {
            try {
                Pending pending = pending(record);
                if (pending != null) {
                    all.add(pending);
                }
            } catch (DataException e) {
                failures.unmappable(record, e);
            }
        }
        return Attempts.of(writer, all);
    }

    /** The record's operation, or null for a tombstone to ignore; DataException when it cannot be mapped. */
    Pending pending(SinkRecord record) {
        RecordOperations.Mapped mapped = records.map(record);
        if (mapped == null) {
            return null;
        }
        return mapped.isDelete() ? Pending.bulk(mapped, OperationKind.DELETE)
                : Pending.patch(mapped, patchPlan.operations(mapped.document(), mapped.target().partitionKeys()));
    }
}
