package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosItemIdentity;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.FeedResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import org.apache.kafka.connect.errors.DataException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Upsert-if-newer: keeps the newest state per document by a version field (a reading time) however records arrive.
 * Reads the stored documents of a batch with {@code readMany} (in chunks of {@value #READ_MANY_IDS} ids), then creates
 * the missing ones and replaces older ones on the stored ETag ({@code If-Match}); a document that changed meanwhile answers 409 or 412, and the writer reads
 * and decides again.
 */
final class ConditionalWrites implements OperationWriter {

    /** Ids per {@code readMany} call: large lists are split (the local server overflows its stack near 1,000). */
    static final int READ_MANY_IDS = 500;

    private final int concurrency;
    private final int readConcurrency;
    private final String[] path;

    /**
     * @param concurrency point writes in flight
     * @param readConcurrency {@code readMany} calls in flight
     * @param path the version field's path
     */
    ConditionalWrites(int concurrency, int readConcurrency, String[] path) {
        this.concurrency = concurrency;
        this.readConcurrency = readConcurrency;
        this.path = path;
    }

    private static JsonNode lookup(JsonNode document, String[] path) {
        JsonNode node = document;
        for (String segment : path) {
            node = node == null ? null : node.get(segment);
        }
        return node;
    }

    /** The version of a document: the value at {@code path}, a number or an ISO-8601 string. */
    static JsonNode version(ObjectNode document, String[] path) {
        JsonNode node = lookup(document, path);
        if (node == null || !(node.isNumber() || node.isTextual())) {
            throw new DataException("field '" + String.join(".", path) + "' (" + CosmosSinkConfig.NEWER_FIELD_CONFIG
                    + ") is missing or not a "
                    + "number or ISO-8601 string, so the record cannot be compared with the stored document");
        }
        return node;
    }

    /** Below 0 when {@code a} is older than {@code b}; numbers compare by value, text (ISO-8601 in UTC) in order. */
    static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.asText().compareTo(b.asText());
    }

    @Override
    public List<Attempt> write(List<Pending> todo) {
        Map<ContainerTarget, List<Pending>> byContainer = new LinkedHashMap<>();
        for (Pending pending : todo) {
            byContainer.computeIfAbsent(pending.target(), target -> new ArrayList<>()).add(pending);
        }
        List<Attempt> attempts = new ArrayList<>(todo.size());
        for (Map.Entry<ContainerTarget, List<Pending>> entry : byContainer.entrySet()) {
            attempts.addAll(write(entry.getKey(), entry.getValue()));
        }
        return attempts;
    }

    private List<Attempt> write(ContainerTarget target, List<Pending> pendings) {
        List<CosmosItemIdentity> identities = new ArrayList<>(pendings.size());
        for (Pending pending : pendings) {
            if (pending.kind() != OperationKind.DELETE) {
                identities.add(new CosmosItemIdentity(pending.partitionKey(), pending.id()));
            }
        }
        // Stored documents by document key: an id is unique only within its partition key value.
        Map<String, ObjectNode> stored = new HashMap<>();
        DoubleAdder readCharge = new DoubleAdder();
        try {
            List<FeedResponse<ObjectNode>> responses = Flux.range(0, (identities.size() + READ_MANY_IDS - 1) / READ_MANY_IDS)
                    .map(chunk -> identities.subList(chunk * READ_MANY_IDS, Math.min(identities.size(), (chunk + 1) * READ_MANY_IDS)))
                    .flatMap(chunk -> target.container().readMany(chunk, ObjectNode.class)
                            .doOnNext(response -> readCharge.add(response.getRequestCharge())), readConcurrency)
                    .collectList()
                    .block(ATTEMPT_TIMEOUT);
            for (FeedResponse<ObjectNode> response : responses == null ? List.<FeedResponse<ObjectNode>>of() : responses) {
                for (ObjectNode document : response.getResults()) {
                    String key = storedKey(target, document);
                    if (key != null) {
                        stored.put(key, document);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Reading failed as a whole (throttled, unavailable): every operation of this container is retried, and
            // what the chunks read so far cost is still counted.
            return Attempt.allFailed(pendings, e, readCharge.sum());
        }
        // The read units are shared among the records whose documents were read (tombstones read nothing).
        double chargePerDocument = identities.isEmpty() ? 0 : readCharge.sum() / identities.size();
        List<Attempt> attempts = Flux.fromIterable(pendings)
                .flatMap(pending -> writeOne(target, pending, stored.get(pending.documentKey()), chargePerDocument), concurrency)
                .collectList()
                .block(ATTEMPT_TIMEOUT);
        return attempts == null ? List.of() : attempts;
    }

    /**
     * The document key of a stored document, as {@link Pending#documentKey()} builds it; null for a
     * document without partition key values, which no record of this writer can address.
     */
    private static String storedKey(ContainerTarget target, ObjectNode document) {
        try {
            return Pending.documentKey(target, target.partitionKeys().valueOf(document), document.get("id").asText());
        } catch (DataException noPartitionKey) {
            return null;
        }
    }

    private Mono<Attempt> writeOne(ContainerTarget target, Pending pending, ObjectNode existing, double readCharge) {
        if (pending.kind() == OperationKind.DELETE) {
            // A tombstone: the batch holds no other record of this document (the last record of a document wins).
            return target.container().deleteItem(pending.id(), pending.partitionKey(), new CosmosItemRequestOptions())
                    .map(response -> Attempt.succeeded(pending, response.getStatusCode(), response.getRequestCharge()))
                    .onErrorResume(error -> Mono.just(Attempt.failed(pending, error)));
        }
        if (existing == null) {
            return target.container().createItem(pending.document(), pending.partitionKey(), new CosmosItemRequestOptions())
                    .map(response -> Attempt.succeeded(pending, response.getStatusCode(), readCharge + response.getRequestCharge()))
                    .onErrorResume(error -> Mono.just(Attempt.failed(pending, error)));
        }
        JsonNode storedVersion = lookup(existing, path);
        if (storedVersion != null && (storedVersion.isNumber() || storedVersion.isTextual())
                && compare(storedVersion, pending.version()) >= 0) {
            return Mono.just(Attempt.succeeded(pending, Attempt.NOT_NEWER, readCharge));
        }
        CosmosItemRequestOptions options = new CosmosItemRequestOptions().setIfMatchETag(existing.get("_etag").asText());
        return target.container().replaceItem(pending.document(), pending.id(), pending.partitionKey(), options)
                .map(response -> Attempt.succeeded(pending, response.getStatusCode(), readCharge + response.getRequestCharge()))
                .onErrorResume(error -> Mono.just(Attempt.failed(pending, error)));
    }
}
