package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upsert-if-newer, with tombstones as deletes: of a batch's records for one document only the newest (by
 * {@code cosmos.write.newer.field}) is sent, and the writer compares it with the stored document. Older records of
 * the batch count as skipped, as they would have been one by one.
 */
final class NewestWinsPlan extends MappingPlan {

    private final String[] newerField;
    private final WriterMetrics metrics;

    NewestWinsPlan(RecordOperations records, OperationWriter writer, String[] newerField, WriterMetrics metrics) {
        super(records, writer);
        this.newerField = newerField;
        this.metrics = metrics;
    }

    @Override
    public List<Attempt> firstAttempt(List<SinkRecord> batch, Failures failures) {
        Map<String, Pending> newest = new LinkedHashMap<>();
        forEachPending(batch, failures, pending -> {
            Pending earlier = newest.get(pending.documentKey());
            if (earlier != null && pending.kind() == OperationKind.UPSERT_IF_NEWER && earlier.kind() == OperationKind.UPSERT_IF_NEWER
                    && ConditionalWrites.compare(earlier.version(), pending.version()) > 0) {
                metrics.skippedOlder();
            } else {
                newest.put(pending.documentKey(), pending);
            }
        });
        return Attempts.of(writer(), new ArrayList<>(newest.values()));
    }

    @Override
    Pending operation(RecordOperations.Mapped mapped) {
        return Pending.ifNewer(mapped, ConditionalWrites.version(mapped.document(), newerField));
    }
}
