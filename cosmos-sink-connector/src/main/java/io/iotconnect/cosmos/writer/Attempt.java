package io.iotconnect.cosmos.writer;

import com.azure.cosmos.CosmosException;

import java.time.Duration;

/** How Cosmos DB answered one operation of one attempt. */
record Attempt(CosmosWriter.Pending pending, int status, int subStatus, Duration retryAfter, double requestCharge,
               Exception error) {

    /** Not a Cosmos status: upsert-if-newer found a stored document at least as new and wrote nothing. */
    static final int NOT_NEWER = 304;

    static Attempt failed(CosmosWriter.Pending pending, Throwable error) {
        if (error instanceof CosmosException cosmos) {
            return new Attempt(pending, cosmos.getStatusCode(), cosmos.getSubStatusCode(), cosmos.getRetryAfterDuration(),
                    cosmos.getRequestCharge(), cosmos);
        }
        // No answer (connection or client timeout): status 0, retried.
        return new Attempt(pending, 0, 0, Duration.ZERO, 0.0, error instanceof Exception e ? e : new RuntimeException(error));
    }

    /** Not sent: an earlier record of the same document is to be retried first, so this one is retried after it. */
    static Attempt held(CosmosWriter.Pending pending) {
        return new Attempt(pending, 0, 0, Duration.ZERO, 0.0, null);
    }

    static Attempt succeeded(CosmosWriter.Pending pending, int status, double requestCharge) {
        return new Attempt(pending, status, 0, Duration.ZERO, requestCharge, null);
    }
}
