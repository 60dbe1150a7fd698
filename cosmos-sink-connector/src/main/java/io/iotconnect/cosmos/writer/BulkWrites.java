package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosBulkExecutionOptions;
import com.azure.cosmos.models.CosmosBulkItemResponse;
import com.azure.cosmos.models.CosmosBulkOperationResponse;
import com.azure.cosmos.models.CosmosItemOperation;
import org.apache.kafka.connect.errors.RetriableException;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Upserts, creates, replaces and deletes through {@code executeBulkOperations}, one bulk call per container. */
final class BulkWrites implements OperationWriter {

    private final int concurrency;

    BulkWrites(int concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    public List<Attempt> write(List<CosmosWriter.Pending> todo) {
        List<Attempt> attempts = new ArrayList<>(todo.size());
        for (CosmosBulkOperationResponse<CosmosWriter.Pending> response : bulk(todo)) {
            CosmosBulkItemResponse item = response.getResponse();
            Exception exception = response.getException();
            CosmosWriter.Pending pending = response.getOperation().getContext();
            if (item != null) {
                attempts.add(new Attempt(pending, item.getStatusCode(), item.getSubStatusCode(), item.getRetryAfterDuration(),
                        item.getRequestCharge(), exception));
            } else {
                attempts.add(Attempt.failed(pending, exception));
            }
        }
        return attempts;
    }

    private List<CosmosBulkOperationResponse<CosmosWriter.Pending>> bulk(List<CosmosWriter.Pending> todo) {
        Map<ContainerTarget, List<CosmosItemOperation>> byContainer = new LinkedHashMap<>();
        for (CosmosWriter.Pending pending : todo) {
            byContainer.computeIfAbsent(pending.target(), target -> new ArrayList<>()).add(pending.operation());
        }
        CosmosBulkExecutionOptions options = new CosmosBulkExecutionOptions().setMaxMicroBatchConcurrency(Math.min(concurrency, 5));
        List<CosmosBulkOperationResponse<CosmosWriter.Pending>> responses = Flux.fromIterable(byContainer.entrySet())
                .flatMap(entry -> entry.getKey().container()
                        .<CosmosWriter.Pending>executeBulkOperations(Flux.fromIterable(entry.getValue()), options), concurrency)
                .collectList()
                .block(ATTEMPT_TIMEOUT);
        if (responses == null || responses.size() != todo.size()) {
            throw new RetriableException("Cosmos DB answered " + (responses == null ? 0 : responses.size()) + " of " + todo.size()
                    + " bulk operations; Connect will deliver the batch again");
        }
        return responses;
    }
}
