package io.iotconnect.cosmos.writer;

import com.azure.cosmos.models.CosmosBulkOperations;
import com.azure.cosmos.models.CosmosItemOperation;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.config.TombstoneHandling;
import io.iotconnect.cosmos.config.WriteStrategy;
import io.iotconnect.cosmos.mapping.DocumentMapper;
import io.iotconnect.cosmos.mapping.IdResolver;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Writes one {@code put()} batch: maps each record to an operation, has the strategy's {@link OperationWriter} send
 * them (bulk, upsert-if-newer or patch; bulk operations go out while the rest of the batch is still being mapped),
 * retries throttled and transient ones with back-off (honouring retry-after) within a time budget, and sends records
 * Cosmos DB rejects to the dead letter queue. Returns only when every record is written or routed.
 */
public final class CosmosWriter {

    private static final Logger log = LoggerFactory.getLogger(CosmosWriter.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Map<String, ContainerTarget> containersByTopic;
    private final String[] newerField;
    private final OperationWriter operations;
    private final PatchPlan patchPlan;
    private final DocumentMapper mapper;
    private final IdResolver ids;
    private final WriteStrategy strategy;
    private final TombstoneHandling tombstones;
    private final Duration retryBudget;
    private final int exhaustedMax;
    private final ErrantRecordReporter reporter;
    private final WriterMetrics metrics;
    private final Sleeper sleeper;
    /** put() calls in a row that spent the whole retry budget; back to 0 when one writes (or routes) everything. */
    private int exhaustedInARow;

    /** Pauses between retries; replaced in tests. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** One record's operation, carried through the bulk call as its own context. */
    static final class Pending {
        private final SinkRecord record;
        private final ContainerTarget target;
        private final String id;
        private final PartitionKey partitionKey;
        private final OperationKind kind;
        private final String documentKey;
        private CosmosItemOperation operation;
        private ObjectNode document;
        private JsonNode version;
        private List<PatchPlan.FieldOperation> patch;

        Pending(SinkRecord record, ContainerTarget target, String id, PartitionKeys.Value partitionKey, OperationKind kind) {
            this.record = record;
            this.target = target;
            this.id = id;
            this.partitionKey = partitionKey.key();
            this.kind = kind;
            this.documentKey = documentKey(target, partitionKey, id);
        }

        /** Which document an operation is for: container, partition key and id, as a map key. */
        static String documentKey(ContainerTarget target, PartitionKeys.Value partitionKey, String id) {
            return target.name() + '\u0000' + partitionKey.text() + '\u0000' + id;
        }

        /** Which document the operation is for: container, partition key and id. */
        String documentKey() {
            return documentKey;
        }

        ObjectNode document() {
            return document;
        }

        JsonNode version() {
            return version;
        }

        List<PatchPlan.FieldOperation> patch() {
            return patch;
        }

        SinkRecord record() {
            return record;
        }

        ContainerTarget target() {
            return target;
        }

        String id() {
            return id;
        }

        PartitionKey partitionKey() {
            return partitionKey;
        }

        OperationKind kind() {
            return kind;
        }

        CosmosItemOperation operation() {
            return operation;
        }
    }

    public CosmosWriter(Map<String, ContainerTarget> containersByTopic, DocumentMapper mapper, IdResolver ids,
                        WriteSettings settings, ErrantRecordReporter reporter, WriterMetrics metrics) {
        this(containersByTopic, mapper, ids, settings, reporter, metrics, duration -> Thread.sleep(duration.toMillis()),
                operationWriter(settings));
    }

    CosmosWriter(Map<String, ContainerTarget> containersByTopic, DocumentMapper mapper, IdResolver ids, WriteSettings settings,
                 ErrantRecordReporter reporter, WriterMetrics metrics, Sleeper sleeper, OperationWriter operations) {
        this.containersByTopic = containersByTopic;
        this.newerField = newerField(settings);
        this.operations = operations;
        this.patchPlan = settings.patch();
        this.mapper = mapper;
        this.ids = ids;
        this.strategy = settings.strategy();
        this.tombstones = settings.tombstones();
        this.retryBudget = settings.retryBudget();
        this.exhaustedMax = settings.retryBudgetExhaustedMax();
        this.reporter = reporter;
        this.metrics = metrics;
        this.sleeper = sleeper;
    }

    private static String[] newerField(WriteSettings settings) {
        return settings.newerField() == null ? new String[0] : settings.newerField().split("\\.");
    }

    /** Bulk operations, or point operations where a write depends on the stored document (upsert-if-newer, patch). */
    private static OperationWriter operationWriter(WriteSettings settings) {
        return switch (settings.strategy()) {
            case UPSERT_IF_NEWER -> new ConditionalWrites(settings.concurrency() * 8, settings.concurrency(), newerField(settings));
            case PATCH -> new PatchWrites(settings.concurrency() * 8, settings.patchCreatesMissing());
            default -> new BulkWrites(settings.concurrency());
        };
    }

    /**
     * Writes the batch. When the retry budget runs out, throws RetriableException so that Connect delivers the batch
     * again, up to {@code retryBudgetExhaustedMax} times in a row; then the records still failing are failed records.
     * A failed record without a dead letter queue is a ConnectException naming it.
     */
    public void write(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + retryBudget.toNanos();
        // Upserts, creates, replaces (and their tombstone deletes) can go out while the batch is mapped; upsert-if-newer
        // compares the versions within a batch first, and patches keep every record.
        boolean lastRecordWins = strategy != WriteStrategy.UPSERT_IF_NEWER && strategy != WriteStrategy.PATCH;
        List<Attempt> results = lastRecordWins && operations instanceof OperationWriter.Streaming streaming
                ? streamed(streaming, records instanceof List<SinkRecord> list ? list : new ArrayList<>(records))
                : attempt(collect(records));
        int attempt = 0;
        while (true) {
            List<Attempt> retry = new ArrayList<>();
            Duration retryAfter = Duration.ZERO;
            for (Attempt result : results) {
                Pending pending = result.pending();
                metrics.requestCharge(result.requestCharge());
                switch (WriteOutcome.of(result.status(), pending.kind())) {
                    case DONE -> {
                        if (result.status() == Attempt.NOT_NEWER) {
                            metrics.skippedOlder();
                        } else {
                            metrics.written();
                        }
                    }
                    case RETRY -> {
                        retry.add(result);
                        if (result.status() == 429) {
                            metrics.throttled();
                        }
                        if (result.retryAfter() != null && result.retryAfter().compareTo(retryAfter) > 0) {
                            retryAfter = result.retryAfter();
                        }
                    }
                    default -> fail(pending.record(), "was rejected by Cosmos DB with status " + result.status()
                            + (result.subStatus() != 0 ? "/" + result.subStatus() : "")
                            + " in container '" + pending.target().name() + "' (id '" + pending.id() + "')"
                            + (result.error() != null ? ": " + result.error().getMessage() : ""), result.error());
                }
            }
            if (retry.isEmpty()) {
                break;
            }
            attempt++;
            Duration backoff = backoff(attempt, retryAfter);
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                budgetSpent(retry, records.size());
                break;
            }
            metrics.retried(retry.size());
            log.debug("Retrying {} operations in {} ms (attempt {})", retry.size(), backoff.toMillis(), attempt);
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while backing off", e);
            }
            results = attempt(retry.stream().map(Attempt::pending).toList());
        }
        exhaustedInARow = 0;
        metrics.batch(records.size(), System.nanoTime() - started);
    }

    /**
     * The retry budget is spent with {@code stillFailing} not written. Below the limit of budgets in a row: a
     * RetriableException, and Connect delivers the batch again (the records written stay written; writing them again
     * converges). At the limit: each record still failing is a failed record, in offset order, so that no record
     * Cosmos DB keeps refusing holds its partitions for ever.
     */
    private void budgetSpent(List<Attempt> stillFailing, int batchSize) {
        exhaustedInARow++;
        metrics.retryBudgetExhausted();
        String statuses = statuses(stillFailing);
        if (exhaustedInARow < exhaustedMax) {
            log.warn("Retry budget spent ({} of {} times in a row): {} of {} records not written, last answered {}; Connect "
                    + "delivers the batch again", exhaustedInARow, exhaustedMax, stillFailing.size(), batchSize, statuses);
            throw new RetriableException(stillFailing.size() + " of " + batchSize + " records were not written (throttled "
                    + "or transient failures, last answered " + statuses + ") within " + CosmosSinkConfig.RETRY_BUDGET_CONFIG + "="
                    + retryBudget.toMillis() + "; Connect will deliver the batch again (" + exhaustedInARow + " of "
                    + CosmosSinkConfig.RETRY_EXHAUSTED_MAX_CONFIG + "=" + exhaustedMax + " in a row)");
        }
        int times = exhaustedInARow;
        exhaustedInARow = 0;
        log.warn("Retry budget spent {} of {} times in a row: the {} records still not written (last answered {}) are failed "
                + "records, {}", times, exhaustedMax, stillFailing.size(), statuses,
                reporter == null ? "and the task fails (no dead letter queue)" : "sent to the dead letter queue");
        List<Attempt> inOrder = new ArrayList<>(stillFailing);
        inOrder.sort(Comparator.comparing((Attempt attempt) -> attempt.pending().record().topic())
                .thenComparing(attempt -> attempt.pending().record().kafkaPartition())
                .thenComparingLong(attempt -> attempt.pending().record().kafkaOffset()));
        for (Attempt attempt : inOrder) {
            Pending pending = attempt.pending();
            String answer = attempt.status() == 0
                    ? (attempt.error() == null ? "no write: an earlier record of the same document was still failing"
                    : "no answer (status 0)")
                    : "status " + attempt.status() + (attempt.subStatus() != 0 ? "/" + attempt.subStatus() : "");
            fail(pending.record(), "was not written: Cosmos DB answered " + answer + " in container '" + pending.target().name()
                    + "' (id '" + pending.id() + "') through " + times + (times == 1 ? " retry budget" : " retry budgets in a row")
                    + " (" + CosmosSinkConfig.RETRY_BUDGET_CONFIG + "="
                    + retryBudget.toMillis() + ", " + CosmosSinkConfig.RETRY_EXHAUSTED_MAX_CONFIG + "=" + exhaustedMax + ")"
                    + (attempt.error() != null ? ": " + attempt.error().getMessage() : ""), attempt.error());
        }
    }

    /** The statuses of the last answers, most frequent first, like "500 (3), 429 (1)"; status 0 is no answer. */
    private static String statuses(List<Attempt> attempts) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (Attempt attempt : attempts) {
            counts.merge(attempt.status(), 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
                .map(entry -> "status " + entry.getKey() + " (" + entry.getValue() + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * The operations of upsert-if-newer and patch, mapped before any is sent. Upsert-if-newer keeps the newest record
     * per document; patches are all kept, in order, since every one counts (increments add up).
     */
    private List<Pending> collect(Collection<SinkRecord> records) {
        Map<String, Pending> latest = new LinkedHashMap<>();
        List<Pending> all = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            Pending pending;
            try {
                pending = toOperation(record);
            } catch (DataException e) {
                fail(record, "cannot be mapped to a document: " + e.getMessage(), e);
                continue;
            }
            if (pending == null) {
                continue;
            }
            if (strategy == WriteStrategy.PATCH) {
                all.add(pending);
            } else {
                Pending earlier = latest.get(pending.documentKey());
                if (earlier != null && pending.kind() == OperationKind.UPSERT_IF_NEWER && earlier.kind() == OperationKind.UPSERT_IF_NEWER
                        && ConditionalWrites.compare(earlier.version(), pending.version()) > 0) {
                    metrics.skippedOlder();
                    continue;
                }
                latest.put(pending.documentKey(), pending);
            }
        }
        return strategy == WriteStrategy.PATCH ? all : new ArrayList<>(latest.values());
    }

    /**
     * The first attempt of upserts, creates, replaces and deletes, sent while the batch is mapped. Within a batch the
     * last record for a document wins, as it would one by one; mapping from the last record to the first, the first
     * operation met for a document is the one to send, and it can go at once. Records that cannot be mapped are
     * dead-lettered in record order before the attempt is waited for. Without a dead letter queue the first such
     * record fails the batch, and the attempt is abandoned as soon as one is met (operations already sent may be
     * written; Connect delivers the batch again).
     */
    private List<Attempt> streamed(OperationWriter.Streaming operations, List<SinkRecord> records) {
        OperationWriter.Feed feed = operations.open();
        boolean open = true; // to be abandoned if mapping ends in an exception
        try {
            Set<String> seen = new HashSet<>();
            List<Unmapped> unmapped = new ArrayList<>();
            for (ListIterator<SinkRecord> backwards = records.listIterator(records.size()); backwards.hasPrevious(); ) {
                SinkRecord record = backwards.previous();
                Pending pending;
                try {
                    pending = toOperation(record);
                } catch (DataException e) {
                    if (reporter == null) {
                        // The task fails: stop sending at once, and name the batch's first such record.
                        feed.abort();
                        open = false;
                        failAtFirstUnmappable(records, record, e);
                    }
                    unmapped.add(new Unmapped(record, e));
                    continue;
                }
                if (pending != null && seen.add(pending.documentKey())) {
                    feed.add(pending);
                }
            }
            // Met from the last record to the first: reported in record order.
            for (int i = unmapped.size() - 1; i >= 0; i--) {
                Unmapped failed = unmapped.get(i);
                fail(failed.record(), "cannot be mapped to a document: " + failed.reason().getMessage(), failed.reason());
            }
            open = false;
        } finally {
            if (open) {
                feed.abort();
            }
        }
        return guarded(feed::finish, feed::added);
    }

    /** A record of the batch that cannot be mapped to a document, and why. */
    private record Unmapped(SinkRecord record, DataException reason) {
    }

    /** Fails the batch naming its first record that cannot be mapped ({@code found} is one, if not the first). */
    private void failAtFirstUnmappable(List<SinkRecord> records, SinkRecord found, DataException reason) {
        for (SinkRecord record : records) {
            if (record == found) {
                break;
            }
            try {
                toOperation(record);
            } catch (DataException e) {
                fail(record, "cannot be mapped to a document: " + e.getMessage(), e);
            }
        }
        fail(found, "cannot be mapped to a document: " + reason.getMessage(), reason);
    }

    /**
     * One attempt at the operations. An unexpected failure of the SDK call as a whole (not a Cosmos DB answer, such as
     * a reactor overflow inside the bulk executor under a throttling storm) fails no record: every operation is retried
     * within the budget, and after it Connect delivers the batch again.
     */
    private List<Attempt> attempt(List<Pending> todo) {
        if (todo.isEmpty()) {
            return List.of();
        }
        return guarded(() -> operations.write(todo), () -> todo);
    }

    private static List<Attempt> guarded(Supplier<List<Attempt>> call, Supplier<List<Pending>> operations) {
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

    private Pending toOperation(SinkRecord record) {
        ContainerTarget target = containersByTopic.get(record.topic());
        if (target == null) {
            throw new ConnectException("topic '" + record.topic() + "' has no container in "
                    + CosmosSinkConfig.CONTAINERS_CONFIG);
        }
        if (record.value() == null) {
            switch (tombstones) {
                case IGNORE:
                    return null;
                case FAIL:
                    throw new DataException("the record is a tombstone (null value) and "
                            + CosmosSinkConfig.TOMBSTONES_CONFIG + "=fail");
                default:
                    String id = IdResolver.idFromKey(record);
                    PartitionKeys.Value key = target.partitionKeys().valueOf(keyDocument(record, id, target));
                    Pending delete = new Pending(record, target, id, key, OperationKind.DELETE);
                    delete.operation = CosmosBulkOperations.getDeleteItemOperation(id, key.key(), delete);
                    return delete;
            }
        }
        ObjectNode document = mapper.document(record);
        String id = ids.id(record, document);
        document.put("id", id);
        PartitionKeys.Value key = target.partitionKeys().valueOf(document);
        Pending pending;
        switch (strategy) {
            case UPSERT_IF_NEWER -> {
                pending = new Pending(record, target, id, key, OperationKind.UPSERT_IF_NEWER);
                pending.document = document;
                pending.version = ConditionalWrites.version(document, newerField);
            }
            case PATCH -> {
                pending = new Pending(record, target, id, key, OperationKind.PATCH);
                pending.document = document;
                pending.patch = patchPlan.operations(document, target.partitionKeys());
            }
            case CREATE -> {
                pending = new Pending(record, target, id, key, OperationKind.CREATE);
                pending.operation = CosmosBulkOperations.getCreateItemOperation(document, key.key(), pending);
            }
            case REPLACE -> {
                pending = new Pending(record, target, id, key, OperationKind.REPLACE);
                pending.operation = CosmosBulkOperations.getReplaceItemOperation(id, document, key.key(), pending);
            }
            default -> {
                pending = new Pending(record, target, id, key, OperationKind.UPSERT);
                pending.operation = CosmosBulkOperations.getUpsertItemOperation(document, key.key(), pending);
            }
        }
        return pending;
    }

    /** The document a tombstone's key stands for: the key's fields, or the key as the id and single partition key value. */
    private static ObjectNode keyDocument(SinkRecord record, String id, ContainerTarget target) {
        Object key = record.key();
        if (key instanceof org.apache.kafka.connect.data.Struct || key instanceof Map) {
            ObjectNode document = (ObjectNode) DocumentMapper.toJson(key, record.keySchema());
            document.put("id", id);
            return document;
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("id", id);
        if (target.partitionKeys().paths().size() == 1) {
            String path = target.partitionKeys().paths().get(0);
            if (path.indexOf('/', 1) < 0) {
                document.put(path.substring(1), key.toString());
            }
        }
        return document;
    }

    private void fail(SinkRecord record, String reason, Throwable cause) {
        metrics.failed();
        String message = "Record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset() + " " + reason;
        ConnectException error = new ConnectException(message, cause);
        if (reporter == null) {
            throw new ConnectException(message + "; configure errors.tolerance=all and errors.deadletterqueue.topic.name to "
                    + "route such records to a dead letter queue instead", cause);
        }
        reporter.report(record, error);
    }

    static Duration backoff(int attempt, Duration retryAfter) {
        long exponential = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
        return Duration.ofMillis(Math.max(exponential, retryAfter == null ? 0 : retryAfter.toMillis()));
    }
}
