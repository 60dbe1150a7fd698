package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;

/**
 * Upsert, create and replace, with tombstones as deletes: within a batch the last record of a document wins, as it
 * would one by one. Through a {@link OperationWriter.Streaming} writer (bulk) the first attempt goes out while the
 * batch is still being mapped: mapping from the last record to the first, the first operation met for a document is
 * the one to send, and it can go at once.
 */
final class LastWriteWinsPlan extends MappingPlan {

    private final OperationKind kind;

    LastWriteWinsPlan(RecordOperations records, OperationWriter writer, OperationKind kind) {
        super(records, writer);
        this.kind = kind;
    }

    @Override
    public List<Attempt> firstAttempt(List<SinkRecord> batch, Failures failures) {
        if (writer() instanceof OperationWriter.Streaming streaming) {
            return streamed(streaming, batch, failures);
        }
        Map<String, Pending> latest = new LinkedHashMap<>();
        forEachPending(batch, failures, pending -> latest.put(pending.documentKey(), pending));
        return Attempts.of(writer(), new ArrayList<>(latest.values()));
    }

    @Override
    Pending operation(RecordOperations.Mapped mapped) {
        return Pending.bulk(mapped, kind);
    }

    /**
     * Records that cannot be mapped are reported in record order before the attempt is waited for. Without a dead
     * letter queue the first such record fails the batch, and the attempt is abandoned as soon as one is met
     * (operations already sent may be written; Connect delivers the batch again).
     */
    private List<Attempt> streamed(OperationWriter.Streaming streaming, List<SinkRecord> batch, Failures failures) {
        OperationWriter.Feed feed = streaming.open();
        boolean open = true; // to be abandoned if mapping ends in an exception
        try {
            Set<String> seen = new HashSet<>();
            List<Unmapped> unmapped = new ArrayList<>();
            for (ListIterator<SinkRecord> backwards = batch.listIterator(batch.size()); backwards.hasPrevious(); ) {
                SinkRecord record = backwards.previous();
                Pending pending;
                try {
                    pending = pending(record);
                } catch (DataException e) {
                    if (!failures.routesRecords()) {
                        // The task fails: stop sending at once, and name the batch's first such record.
                        feed.abort();
                        open = false;
                        failAtFirstUnmappable(batch, record, e, failures);
                    }
                    unmapped.add(new Unmapped(record, e));
                    continue;
                }
                if (pending != null && seen.add(pending.documentKey())) {
                    feed.add(pending);
                }
            }
            // Met from the last record to the first: reported in record order.
            for (int i = unmapped.size() - 1; i >= 0; i--) {
                failures.unmappable(unmapped.get(i).record(), unmapped.get(i).reason());
            }
            open = false;
        } finally {
            if (open) {
                feed.abort();
            }
        }
        return Attempts.guarded(feed::finish, feed::added);
    }

    /** Fails the batch naming its first record that cannot be mapped ({@code found} is one, if not the first). */
    private void failAtFirstUnmappable(List<SinkRecord> batch, SinkRecord found, DataException reason, Failures failures) {
        for (SinkRecord record : batch) {
            if (record == found) {
                break;
            }
            try {
                pending(record);
            } catch (DataException e) {
                failures.unmappable(record, e);
            }
        }
        failures.unmappable(found, reason);
    }

    /** A record of the batch that cannot be mapped to a document, and why. */
    private record Unmapped(SinkRecord record, DataException reason) {
    }
}
