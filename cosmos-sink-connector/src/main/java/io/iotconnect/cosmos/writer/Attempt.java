package io.iotconnect.cosmos.writer;

import com.azure.cosmos.CosmosException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** How Cosmos DB answered one operation of one attempt. */
record Attempt(Pending pending, int status, int subStatus, Duration retryAfter, double requestCharge,
               Exception error) {

    /** Not a Cosmos status: upsert-if-newer found a stored document at least as new and wrote nothing. */
    static final int NOT_NEWER = 304;

    static Attempt failed(Pending pending, Throwable error) {
        if (error instanceof CosmosException cosmos) {
            return new Attempt(pending, cosmos.getStatusCode(), cosmos.getSubStatusCode(), cosmos.getRetryAfterDuration(),
                    cosmos.getRequestCharge(), cosmos);
        }
        // No answer (connection or client timeout): status 0, retried.
        return new Attempt(pending, 0, 0, Duration.ZERO, 0.0, error instanceof Exception e ? e : new RuntimeException(error));
    }

    /** Not sent: an earlier record of the same document is to be retried first, so this one is retried after it. */
    static Attempt held(Pending pending) {
        return new Attempt(pending, 0, 0, Duration.ZERO, 0.0, null);
    }

    /**
     * One call failed for all of {@code pendings}: each is failed with the error, and the call's charge (plus
     * {@code alreadyCharged}, what earlier calls of the same attempt cost) is counted once, on the first.
     */
    static List<Attempt> allFailed(List<Pending> pendings, Throwable error, double alreadyCharged) {
        List<Attempt> failed = new ArrayList<>(pendings.size());
        for (Pending pending : pendings) {
            Attempt attempt = failed(pending, error);
            double charge = failed.isEmpty() ? alreadyCharged + attempt.requestCharge() : 0.0;
            failed.add(new Attempt(pending, attempt.status(), attempt.subStatus(), attempt.retryAfter(), charge, attempt.error()));
        }
        return failed;
    }

    static Attempt succeeded(Pending pending, int status, double requestCharge) {
        return new Attempt(pending, status, 0, Duration.ZERO, requestCharge, null);
    }
}
