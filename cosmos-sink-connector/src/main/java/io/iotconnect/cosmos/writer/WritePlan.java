package io.iotconnect.cosmos.writer;

import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;

/**
 * How one family of write strategies turns a {@code put()} batch into operations, chosen once per task from
 * {@code cosmos.write.strategy}: {@link LastWriteWinsPlan} (upsert, create, replace: the last record of a document
 * wins, sent while the batch is still being mapped), {@link NewestWinsPlan} (upsert-if-newer: the newest record of a
 * document wins) and {@link InOrderPlan} (patch: every record, in order). A plan maps each record to an immutable
 * {@link Pending}, groups the batch as its strategy needs, and names the {@link OperationWriter} that sends it;
 * {@link CosmosWriter} runs the attempts, back-off, retry budget and dead letter queue for all of them. A new write
 * strategy is a new plan (or a new kind in one) and its config value.
 */
interface WritePlan {

    /**
     * The first attempt at a batch: its records mapped, grouped and sent. A record that cannot be mapped is handed
     * to {@code failures}, in record order, and is not sent.
     */
    List<Attempt> firstAttempt(List<SinkRecord> records, Failures failures);

    /** The writer that sends this plan's operations; the retries of an attempt go through it too. */
    OperationWriter writer();

    /** Where a plan reports the records it cannot map. */
    interface Failures {

        /**
         * A record that cannot be mapped: to the dead letter queue, or, without one, a ConnectException naming it,
         * which ends the batch.
         */
        void unmappable(SinkRecord record, DataException reason);

        /** Whether {@link #unmappable} routes records (a dead letter queue is configured) rather than throwing. */
        boolean routesRecords();
    }

    /** The plan for the configured write strategy, sending through {@code writer} (normally {@link #writerFor}). */
    static WritePlan of(WriteSettings settings, RecordOperations records, OperationWriter writer, WriterMetrics metrics) {
        return switch (settings.strategy()) {
            case UPSERT_IF_NEWER -> new NewestWinsPlan(records, writer, newerFieldPath(settings), metrics);
            case PATCH -> new InOrderPlan(records, writer, settings.patch());
            case CREATE -> new LastWriteWinsPlan(records, writer, OperationKind.CREATE);
            case REPLACE -> new LastWriteWinsPlan(records, writer, OperationKind.REPLACE);
            case UPSERT -> new LastWriteWinsPlan(records, writer, OperationKind.UPSERT);
        };
    }

    /**
     * The writer the configured strategy sends through: bulk operations, or point operations where a write depends
     * on the stored document (upsert-if-newer, patch).
     */
    static OperationWriter writerFor(WriteSettings settings) {
        return switch (settings.strategy()) {
            case UPSERT_IF_NEWER -> new ConditionalWrites(settings.concurrency() * 8, settings.concurrency(), newerFieldPath(settings));
            case PATCH -> new PatchWrites(settings.concurrency() * 8, settings.patchCreatesMissing());
            case UPSERT, CREATE, REPLACE -> new BulkWrites(settings.concurrency());
        };
    }

    /** The segments of {@code cosmos.write.newer.field}; empty when it is not set. */
    static String[] newerFieldPath(WriteSettings settings) {
        return settings.newerField() == null || settings.newerField().isBlank() ? new String[0]
                : FieldPath.parse(settings.newerField()).segments().toArray(new String[0]);
    }
}
