package io.iotconnect.cosmos.writer;

import java.time.Duration;
import java.util.List;

/**
 * Sends one attempt of a batch's operations to Cosmos DB and reports how each was answered; {@link CosmosWriter}
 * decides what to retry, dead-letter or fail. One implementation per kind of write: bulk, upsert-if-newer, patch.
 */
interface OperationWriter {

    /**
     * Longest wait for one attempt. Above the SDK's own network timeouts (60 s), so it only ends an attempt whose SDK
     * call never completes; its operations are then retried like any unanswered one.
     */
    Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    /** One answer per operation, in any order. */
    List<Attempt> write(List<Pending> todo);

    /**
     * A writer that can also take an attempt's operations one at a time, sending them while the rest of the batch is
     * still being mapped ({@link BulkWrites}).
     */
    interface Streaming extends OperationWriter {

        /** Opens a first attempt to be fed operation by operation. */
        Feed open();
    }

    /** One attempt whose operations are handed over one by one; single-threaded. */
    interface Feed {

        /** Adds an operation to the attempt; at most one per document. */
        void add(Pending pending);

        /** Ends the attempt: one answer per operation added, in any order, once every one is answered. */
        List<Attempt> finish();

        /** The operations added so far, in any order. */
        List<Pending> added();

        /**
         * Abandons the attempt: nothing more is sent and nothing is waited for. Operations already sent may still be
         * written; the records are delivered again, so the writes converge.
         */
        void abort();
    }
}
