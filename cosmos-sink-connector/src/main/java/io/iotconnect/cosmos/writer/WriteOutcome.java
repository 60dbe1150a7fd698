package io.iotconnect.cosmos.writer;

/** How Cosmos DB answered one operation, as the writer acts on it. */
enum WriteOutcome {
    /** Written (or already there for create, already gone for delete). */
    DONE,
    /** Throttled or transient: retried after a back-off within the budget. */
    RETRY,
    /** The record cannot be written as it is: dead letter queue, or a failed task without one. */
    FAILED;

    static WriteOutcome of(int status, OperationKind kind) {
        if (status >= 200 && status < 300 || status == Attempt.NOT_NEWER) {
            return DONE;
        }
        if (kind == OperationKind.UPSERT_IF_NEWER && (status == 409 || status == 412)) {
            return RETRY; // another writer got there between our read and write: read again and decide again
        }
        if (kind == OperationKind.PATCH && status == 409) {
            return RETRY; // the document was missing, and another writer created it before us: patch it now
        }
        if (status == 409 && kind == OperationKind.CREATE || status == 404 && kind == OperationKind.DELETE) {
            return DONE;
        }
        switch (status) {
            case 0:      // no response: connection or client-side timeout
            case 408:    // request timeout
            case 410:    // gone: partition moved
            case 429:    // throttled
            case 449:    // retry with
            case 500:
            case 502:
            case 503:
                return RETRY;
            default:
                return FAILED;
        }
    }
}
