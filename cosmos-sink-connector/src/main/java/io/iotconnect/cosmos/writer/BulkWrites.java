package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosBulkExecutionOptions;
import com.azure.cosmos.models.CosmosBulkItemResponse;
import com.azure.cosmos.models.CosmosBulkOperationResponse;
import com.azure.cosmos.models.CosmosItemOperation;
import org.apache.kafka.connect.errors.RetriableException;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Upserts, creates, replaces and deletes through {@code executeBulkOperations}, one bulk call per container and
 * attempt. A call starts with the container's first operation and takes the others as they are added, so Cosmos DB
 * writes the first micro-batches while the rest of a {@code put()} batch is still being mapped.
 */
final class BulkWrites implements OperationWriter.Streaming {

    private final int concurrency;

    BulkWrites(int concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    public List<Attempt> write(List<Pending> todo) {
        Feed feed = open();
        for (Pending pending : todo) {
            feed.add(pending);
        }
        return feed.finish();
    }

    @Override
    public Feed open() {
        return new BulkFeed(new CosmosBulkExecutionOptions().setMaxMicroBatchConcurrency(Math.min(concurrency, 5)));
    }

    /** The bulk calls of one attempt, one per container, each fed through its own sink. */
    private static final class BulkFeed implements Feed {

        private final CosmosBulkExecutionOptions options;
        private final Map<ContainerTarget, Sinks.Many<CosmosItemOperation>> sinks = new LinkedHashMap<>();
        private final List<CompletableFuture<List<CosmosBulkOperationResponse<Pending>>>> calls = new ArrayList<>();
        private final List<Pending> added = new ArrayList<>();

        BulkFeed(CosmosBulkExecutionOptions options) {
            this.options = options;
        }

        @Override
        public void add(Pending pending) {
            Sinks.Many<CosmosItemOperation> sink = sinks.computeIfAbsent(pending.target(), target -> {
                Sinks.Many<CosmosItemOperation> operations = Sinks.many().unicast().onBackpressureBuffer();
                try {
                    calls.add(target.container().<Pending>executeBulkOperations(operations.asFlux(), options)
                            .collectList().toFuture());
                } catch (RuntimeException e) {
                    // The SDK failed before the call began: finish() reports it, and every operation is retried.
                    calls.add(CompletableFuture.failedFuture(e));
                }
                return operations;
            });
            added.add(pending);
            // One producer (the task thread) and an unbounded buffer: an emission can only fail if the call has
            // ended early, and then finish() reports every operation without an answer as failed.
            sink.tryEmitNext(pending.operation());
        }

        @Override
        public List<Attempt> finish() {
            sinks.values().forEach(Sinks.Many::tryEmitComplete);
            long deadline = System.nanoTime() + ATTEMPT_TIMEOUT.toNanos();
            List<Attempt> attempts = new ArrayList<>(added.size());
            try {
                for (CompletableFuture<List<CosmosBulkOperationResponse<Pending>>> call : calls) {
                    for (CosmosBulkOperationResponse<Pending> response
                            : call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        attempts.add(attempt(response));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new RetriableException("interrupted while writing to Cosmos DB", e);
            } catch (TimeoutException e) {
                abort();
                throw new IllegalStateException("Cosmos DB did not answer a bulk call within " + ATTEMPT_TIMEOUT.toSeconds() + " s", e);
            } catch (ExecutionException e) {
                abort();
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            }
            if (attempts.size() != added.size()) {
                // Operations without an answer are retried like any unanswered one, within the writer's budget.
                Set<Pending> answered = Collections.newSetFromMap(new IdentityHashMap<>());
                attempts.forEach(attempt -> answered.add(attempt.pending()));
                IllegalStateException noAnswer = new IllegalStateException("the bulk call ended without an answer for "
                        + "this operation (" + attempts.size() + " of " + added.size() + " answered)");
                for (Pending pending : added) {
                    if (!answered.contains(pending)) {
                        attempts.add(Attempt.failed(pending, noAnswer));
                    }
                }
            }
            return attempts;
        }

        private static Attempt attempt(CosmosBulkOperationResponse<Pending> response) {
            CosmosBulkItemResponse item = response.getResponse();
            Exception exception = response.getException();
            Pending pending = response.getOperation().getContext();
            if (item != null) {
                return new Attempt(pending, item.getStatusCode(), item.getSubStatusCode(), item.getRetryAfterDuration(),
                        item.getRequestCharge(), exception);
            }
            return Attempt.failed(pending, exception);
        }

        @Override
        public List<Pending> added() {
            return added;
        }

        @Override
        public void abort() {
            // Cancelling ends each bulk call; completing its input instead would make the SDK flush what it holds.
            calls.forEach(call -> call.cancel(true));
        }
    }
}
