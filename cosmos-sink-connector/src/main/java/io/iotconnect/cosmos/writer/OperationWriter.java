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
    List<Attempt> write(List<CosmosWriter.Pending> todo);
}
