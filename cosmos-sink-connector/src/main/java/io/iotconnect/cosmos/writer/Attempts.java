package io.iotconnect.cosmos.writer;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/** Runs one attempt at some operations, so that a failure of the SDK call as a whole fails no record. */
final class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    private Attempts() {
    }

    /** One attempt at {@code todo} through {@code writer}; nothing is sent for an empty list. */
    static List<Attempt> of(OperationWriter writer, List<Pending> todo) {
        if (todo.isEmpty()) {
            return List.of();
        }
        return guarded(() -> writer.write(todo), () -> todo);
    }

    /**
     * The answers of {@code call}. An unexpected failure of the call as a whole (not a Cosmos DB answer, such as a
     * reactor overflow inside the bulk executor under a throttling storm) fails no record: every operation of the
     * attempt is answered as failed with it, to be retried within the budget.
     */
    static List<Attempt> guarded(Supplier<List<Attempt>> call, Supplier<List<Pending>> operations) {
        try {
            return call.get();
        } catch (ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            List<Pending> todo = operations.get();
            log.warn("Writing {} operations failed as a whole; retrying them: {}", todo.size(), e.toString());
            return Attempt.allFailed(todo, e, 0.0);
        }
    }
}
