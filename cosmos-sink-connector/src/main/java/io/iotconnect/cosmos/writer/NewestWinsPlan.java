package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.errors.DataException;
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
final class NewestWinsPlan implements WritePlan {

    private final RecordOperations records;
    private final OperationWriter writer;
    private final String[] newerField;
    private final WriterMetrics metrics;

    NewestWinsPlan(RecordOperations records, OperationWriter writer, String[] newerField, WriterMetrics metrics) {
        this.records = records;
        this.writer = writer;
        this.newerField = newerField;
        this.metrics = metrics;
    }

    @Override
    public OperationWriter writer() {
        return writer;
    }

    @Override
    public List<Attempt> firstAttempt(List<SinkRecord> batch, Failures failures) {
        Map<String, Pending> newest = new LinkedHashMap<>();
        for (SinkRecord record : batch) {
            Pending pending;
            try {
                pending = pending(record);
            } catch (DataException e) {
                failures.unmappable(record, e);
                continue;
            }
            if (pending == null) {
                continue;
            }
            Pending earlier = newest.get(pending.documentKey());
            if (earlier != null && pending.kind() == OperationKind.UPSERT_IF_NEWER && earlier.kind() == OperationKind.UPSERT_IF_NEWER
                    && ConditionalWrites.compare(earlier.version(), pending.version()) > 0) {
                metrics.skippedOlder();
                continue;
            }
            newest.put(pending.documentKey(), pending);
        }
        return Attempts.of(writer, new ArrayList<>(newest.values()));
    }

    /** The record's operation, or null for a tombstone to ignore; DataException when it cannot be mapped. */
    Pending pending(SinkRecord record) {
        RecordOperations.Mapped mapped = records.map(record);
        if (mapped == null) {
            return null;
        }
        return mapped.isDelete() ? Pending.bulk(mapped, OperationKind.DELETE)
                : Pending.ifNewer(mapped, ConditionalWrites.version(mapped.document(), newerField));
    }
}
