package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Patch, with tombstones as deletes: every record counts (increments add up), so all are kept, in record order, and
 * the writer applies them to each document in that order.
 */
final class InOrderPlan extends MappingPlan {

    private final PatchPlan patchPlan;

    InOrderPlan(RecordOperations records, OperationWriter writer, PatchPlan patchPlan) {
        super(records, writer);
        this.patchPlan = patchPlan;
    }

    @Override
    public List<Attempt> firstAttempt(List<SinkRecord> batch, Failures failures) {
        List<Pending> all = new ArrayList<>(batch.size());
        forEachPending(batch, failures, all::add);
        return Attempts.of(writer(), all);
    }

    @Override
    Pending operation(RecordOperations.Mapped mapped) {
        return Pending.patch(mapped, patchPlan.operations(mapped.document(), mapped.target().partitionKeys()));
    }
}
