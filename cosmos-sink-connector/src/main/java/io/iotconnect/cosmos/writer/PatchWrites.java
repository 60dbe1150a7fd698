package io.iotconnect.cosmos.writer;

import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosPatchOperations;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Patch writes: each record changes only the fields its patch names. Patches run as point operations, documents in
 * parallel and the records of one document in their Kafka order, so increments and appends add up as they would one
 * by one. A document that does not exist yet is created from the whole record when configured; a create that loses a
 * race with another writer (409) is retried as a patch. Tombstones are point deletes in the same order.
 */
final class PatchWrites implements OperationWriter {

    private final int concurrency;
    private final boolean createMissing;

    PatchWrites(int concurrency, boolean createMissing) {
        this.concurrency = concurrency;
        this.createMissing = createMissing;
    }

    @Override
    public List<Attempt> write(List<Pending> todo) {
        Map<String, List<Pending>> byDocument = new LinkedHashMap<>();
        for (Pending pending : todo) {
            byDocument.computeIfAbsent(pending.documentKey(), key -> new ArrayList<>()).add(pending);
        }
        List<Attempt> attempts = Flux.fromIterable(byDocument.values())
                .flatMap(this::inOrder, concurrency)
                .collectList()
                .block(ATTEMPT_TIMEOUT);
        return attempts == null ? List.of() : attempts;
    }

    /** The records of one document one after another; once one is to be retried, the later ones wait for it. */
    private Flux<Attempt> inOrder(List<Pending> pendings) {
        AtomicBoolean held = new AtomicBoolean();
        return Flux.fromIterable(pendings).concatMap(pending -> {
            if (held.get()) {
                return Mono.just(Attempt.held(pending));
            }
            return writeOne(pending).doOnNext(attempt -> {
                if (WriteOutcome.of(attempt.status(), pending.kind()) == WriteOutcome.RETRY) {
                    held.set(true);
                }
            });
        });
    }

    private Mono<Attempt> writeOne(Pending pending) {
        if (pending.kind() == OperationKind.DELETE) {
            return pending.target().container().deleteItem(pending.id(), pending.partitionKey(), new CosmosItemRequestOptions())
                    .map(response -> Attempt.succeeded(pending, response.getStatusCode(), response.getRequestCharge()))
                    .onErrorResume(error -> Mono.just(Attempt.failed(pending, error)));
        }
        List<CosmosPatchOperations> requests = PatchPlan.requests(pending.patch());
        if (requests.isEmpty()) {
            return Mono.just(Attempt.succeeded(pending, 200, 0.0));
        }
        return patch(pending, requests, 0, 0.0);
    }

    private Mono<Attempt> patch(Pending pending, List<CosmosPatchOperations> requests, int index, double charge) {
        if (index == requests.size()) {
            return Mono.just(Attempt.succeeded(pending, 200, charge));
        }
        return pending.target().container()
                .patchItem(pending.id(), pending.partitionKey(), requests.get(index), ObjectNode.class)
                .flatMap(response -> patch(pending, requests, index + 1, charge + response.getRequestCharge()))
                .onErrorResume(error -> {
                    if (index == 0 && createMissing && isNotFound(error)) {
                        return pending.target().container()
                                .createItem(pending.document(), pending.partitionKey(), new CosmosItemRequestOptions())
                                .map(response -> Attempt.succeeded(pending, response.getStatusCode(), charge + response.getRequestCharge()))
                                .onErrorResume(createError -> Mono.just(Attempt.failed(pending, createError)));
                    }
                    return Mono.just(Attempt.failed(pending, error));
                });
    }

    private static boolean isNotFound(Throwable error) {
        return error instanceof CosmosException cosmos && cosmos.getStatusCode() == 404;
    }
}
